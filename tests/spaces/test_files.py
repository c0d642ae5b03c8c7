"""Files: allowed uploads stored and downloaded as attachments; refusals leave nothing behind."""

from __future__ import annotations

import io

import pytest

from coil.extensions import db as _db
from coil.spaces import services
from coil.spaces.models import StoredFile
from coil.spaces.storage import LocalStorage, TooLarge
from tests.spaces.conftest import stored_files

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40


def _upload(auth, space, content, name):
    url = f"/spaces/{space.id}"
    return auth.post(f"{url}/files", {"file": (io.BytesIO(content), name)}, url)


def test_upload_and_download_as_attachment(login, world, db, storage_dir):
    anna = login(world.member)
    assert _upload(anna, world.space, PDF, "Interview notes.PDF").status_code == 302
    stored = db.session.query(StoredFile).one()
    assert (stored.filename, stored.size, stored.content_type) == (
        "Interview notes.PDF",
        len(PDF),
        "application/pdf",
    )
    assert [p.name for p in stored_files(storage_dir)] == [stored.storage_key]
    assert "Interview" not in stored.storage_key

    page = login(world.coordinator).client.get(f"/spaces/{world.space.id}")
    assert "Interview notes.PDF" in page.get_data(as_text=True)
    response = login(world.lecturer).client.get(f"/spaces/{world.space.id}/files/{stored.id}")
    assert response.status_code == 200
    assert response.data == PDF
    response.close()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Interview_notes.PDF" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    assert (
        login(world.other_team)
        .client.get(f"/spaces/{world.space.id}/files/{stored.id}")
        .status_code
        == 403
    )


def test_html_is_still_an_attachment_when_the_allow_list_admits_it(
    app, login, world, db, storage_dir
):
    app.config["UPLOAD_EXTENSIONS"] = ("html",)
    anna = login(world.member)
    _upload(anna, world.space, b"<script>alert(1)</script>", "page.html")
    stored = db.session.query(StoredFile).one()
    response = anna.client.get(f"/spaces/{world.space.id}/files/{stored.id}")
    response.close()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_refused_type_leaves_no_row_and_no_file(login, world, db, storage_dir):
    response = _upload(login(world.member), world.space, b"MZ...", "setup.exe")
    assert response.status_code == 422
    assert "Files of this type cannot be uploaded" in response.get_data(as_text=True)
    assert db.session.query(StoredFile).count() == 0
    assert stored_files(storage_dir) == []


def test_over_the_limit_is_refused_and_nothing_kept(app, login, world, db, storage_dir):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    anna = login(world.member)
    page = anna.client.get(f"/spaces/{world.space.id}").get_data(as_text=True)
    assert "At most 1,000 byte" in page
    response = _upload(anna, world.space, b"x" * 1001, "notes.txt")
    assert response.status_code == 422
    assert "The file is larger than 1,000 byte" in response.get_data(as_text=True)
    assert db.session.query(StoredFile).count() == 0
    assert stored_files(storage_dir) == []
    assert _upload(anna, world.space, b"x" * 1000, "notes.txt").status_code == 302


def test_a_request_over_max_content_length_explains_the_limit(app, login, world, storage_dir):
    app.config["UPLOAD_MAX_BYTES"] = 20 * 1024 * 1024
    anna = login(world.member)
    assert "At most 20 MB per file" in anna.client.get(f"/spaces/{world.space.id}").get_data(
        as_text=True
    )
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = _upload(anna, world.space, b"x" * 5000, "notes.txt")
    assert response.status_code == 413
    assert "Files may be at most 20 MB" in response.get_data(as_text=True)
    assert stored_files(storage_dir) == []


def test_missing_file_on_disk_is_a_clear_404(login, world, db, storage_dir):
    anna = login(world.member)
    _upload(anna, world.space, PDF, "notes.pdf")
    stored = db.session.query(StoredFile).one()
    for path in stored_files(storage_dir):
        path.unlink()
    response = anna.client.get(f"/spaces/{world.space.id}/files/{stored.id}")
    assert response.status_code == 404
    assert "no longer in storage" in response.get_data(as_text=True)


def test_delete_by_uploader_or_lecturer_only(login, world, db, storage_dir):
    url = f"/spaces/{world.space.id}"
    anna, dewi = login(world.member), login(world.teammate)
    _upload(anna, world.space, PDF, "notes.pdf")
    stored = db.session.query(StoredFile).one()
    assert dewi.post(f"{url}/files/{stored.id}/delete", {}, url).status_code == 403
    assert (
        login(world.coordinator).post(f"{url}/files/{stored.id}/delete", {}, url).status_code == 403
    )
    assert len(stored_files(storage_dir)) == 1
    assert login(world.lecturer).post(f"{url}/files/{stored.id}/delete", {}, url).status_code == 302
    db.session.expire_all()
    assert db.session.query(StoredFile).count() == 0
    assert stored_files(storage_dir) == []


def test_bytes_are_removed_when_the_transaction_rolls_back(app, world, storage_dir):
    storage = LocalStorage(storage_dir)
    stored = services.upload_file(world.member, world.space, io.BytesIO(PDF), "a.pdf", storage)
    assert stored.id and len(stored_files(storage_dir)) == 1
    _db.session.rollback()
    assert stored_files(storage_dir) == []

    services.upload_file(world.member, world.space, io.BytesIO(PDF), "b.pdf", storage)
    _db.session.commit()
    assert len(stored_files(storage_dir)) == 1


def test_bytes_are_removed_when_the_row_cannot_be_written(app, world, storage_dir, monkeypatch):
    def broken_flush(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(_db.session, "flush", broken_flush)
    with pytest.raises(RuntimeError):
        services.upload_file(
            world.member, world.space, io.BytesIO(PDF), "a.pdf", LocalStorage(storage_dir)
        )
    monkeypatch.undo()
    _db.session.rollback()
    assert stored_files(storage_dir) == []


def test_local_storage_stops_at_the_limit_and_keeps_nothing(tmp_path):
    storage = LocalStorage(tmp_path)
    with pytest.raises(TooLarge):
        storage.save(io.BytesIO(b"x" * 200_000), 100_000)
    assert stored_files(tmp_path) == []
    saved = storage.save(io.BytesIO(b"hello"), 5)
    assert saved.size == 5 and len(saved.key) == 32
    with storage.open(saved.key) as handle:
        assert handle.read() == b"hello"
    storage.delete(saved.key)
    storage.delete(saved.key)  # deleting twice is fine
    for bad in ("../etc/passwd", saved.key.upper(), ""):
        with pytest.raises(FileNotFoundError):
            storage.open(bad)
