"""Badge images: the generated SVG, and uploads re-encoded as plain PNG or refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from coil.core.errors import ServiceError
from coil.credentials import services
from coil.credentials.image import badge_svg
from tests.credentials.conftest import badge_data


def png(size=(64, 64), extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, format="PNG")
    return out.getvalue() + extra


def test_the_generated_svg_escapes_the_name_and_has_no_script():
    svg = badge_svg('<script>alert(1)</script> "Bridge" & co')
    assert "<script" not in svg and "&lt;script" in svg and "&quot;" in svg


def test_an_upload_is_re_encoded_and_served(kopi, db, client):
    trailing = b"<script>alert(1)</script>"  # a payload hidden after the image data
    data = badge_data(image=png(extra=trailing))
    badge = services.create_badge(kopi["lena"], kopi.exchange, data)
    services.decide(kopi["cora"], badge.latest, approve=True)
    db.session.commit()
    stored = badge.latest.image_png
    assert stored.startswith(b"\x89PNG") and trailing not in stored
    answer = client.get(f"/badges/achievements/{badge.latest.id}/image.svg")
    assert answer.mimetype == "image/png" and answer.data == stored
    # a new version without an upload keeps the image
    version = services.revise_badge(kopi["lena"], badge, badge_data(name="Renamed"))
    assert version.image_png == stored


@pytest.mark.parametrize(
    "bad",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"GIF89a" + b"\x00" * 100,
        png(size=(2000, 10)),
        png(extra=b"\x00" * (600 * 1024)),
    ],
)
def test_other_uploads_are_refused_on_the_field(kopi, db, bad):
    with pytest.raises(ServiceError) as caught:
        services.create_badge(kopi["lena"], kopi.exchange, badge_data(image=bad))
    assert caught.value.field == "image"
