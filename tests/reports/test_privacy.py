"""Partner students in exports: pseudonymised, stably, unless both sides of the agreement
share identities; nothing for an unrelated coordinator; everything, named, for an admin."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
from typing import Any

from flask import current_app
from sqlalchemy import select

from coil.accounts.models import Role
from coil.reports import jobs
from coil.reports.figures import Filters, records
from coil.reports.models import ExportJob
from coil.reports.privacy import CROCKFORD, pseudonym
from tests.conftest import csrf_token
from tests.reports.conftest import AS_OF
from tests.world import World

PSEUDONYM = re.compile(r"^P-[0-9A-HJKMNP-TV-Z]{8}$")


def export_csv(client: Any, db: Any) -> list[dict[str, str]]:
    """Ask for a CSV export of everything in scope, run it, download it and read it."""
    token = csrf_token(client, "/reports")
    assert client.post("/reports/exports", data={"csrf_token": token, "format": "csv"}).status_code
    jobs.run_pending()
    job = db.session.scalars(select(ExportJob).order_by(ExportJob.id.desc())).first()
    assert job is not None and job.status == "done", job and job.error
    response = client.get(f"/reports/exports/{job.id}/download")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    response.close()
    return list(csv.DictReader(io.StringIO(text)))


def by_institution(rows: list[dict[str, str]], name: str) -> list[dict[str, str]]:
    return [row for row in rows if row["Institution"] == name]


def agree(auth: Any, proposal_id: int, share: bool) -> None:
    show = f"/proposals/{proposal_id}"
    data = {"agreement-share_identities": "y"} if share else {}
    assert auth.post(f"{show}/agreement", data, show).status_code == 302


def test_partner_students_are_pseudonymised_and_stable(kopi: World, auth: Any, client: Any, db):
    auth.login(kopi["cora"].email)
    first, second = export_csv(client, db), export_csv(client, db)
    for rows in (first, second):
        assert {r["Student"] for r in by_institution(rows, "Hogeschool Kopi")} == {"Anna", "Bram"}
    theirs = by_institution(first, "Universitas Kopi")
    assert len(theirs) == 1
    dewi = theirs[0]
    assert PSEUDONYM.match(dewi["Student"]), dewi["Student"]
    assert dewi["E-mail"] == "" and dewi["Student number"] == ""
    assert dewi["Messages"] == "1"  # the figures are still there
    assert by_institution(second, "Universitas Kopi")[0]["Student"] == dewi["Student"]
    assert dewi["Student"] == pseudonym(kopi.exchange.id, kopi["dewi"].id)
    # another exchange, another pseudonym: exports of two exchanges cannot be joined on it
    assert pseudonym(kopi.exchange.id + 1, kopi["dewi"].id) != dewi["Student"]
    for rows in (first, second):
        text = repr(rows)
        assert "Dewi" not in text and "dewi@" not in text


def test_partners_see_ours_pseudonymised_too(kopi: World) -> None:
    jakarta = list(records(Filters(kopi.institutions["id"].id, as_of=AS_OF)))
    assert [r.name for r in jakarta if not r.partner] == ["Dewi"]
    hidden = [r for r in jakarta if r.partner]
    assert len(hidden) == 2 and all(PSEUDONYM.match(r.name) and not r.email for r in hidden)
    assert [r.name for r in hidden] == sorted(r.name for r in hidden)  # order says nothing


def test_names_when_both_sides_agree(kopi: World, auth: Any, client: Any, db: Any) -> None:
    proposal = kopi.proposals[0]
    auth.login(kopi["lena"].email)
    agree(auth, proposal.id, share=True)
    page = client.get(f"/exchanges/{kopi.exchange.id}").get_data(as_text=True)
    assert "under a pseudonym" in page  # one side is not enough
    auth.logout()
    auth.login(kopi["cora"].email)
    assert PSEUDONYM.match(by_institution(export_csv(client, db), "Universitas Kopi")[0]["Student"])
    auth.logout()

    auth.login(kopi["budi"].email)
    agree(auth, proposal.id, share=True)
    db.session.refresh(proposal)
    assert proposal.shares_identities
    page = client.get(f"/exchanges/{kopi.exchange.id}").get_data(as_text=True)
    assert "name each other&#39;s students" in page or "name each other's students" in page
    auth.logout()
    auth.login(kopi["cora"].email)
    dewi = by_institution(export_csv(client, db), "Universitas Kopi")[0]
    assert (dewi["Student"], dewi["E-mail"]) == ("Dewi", "dewi@id.example")
    auth.logout()

    auth.login(kopi["budi"].email)
    agree(auth, proposal.id, share=False)  # either side can take it back
    auth.logout()
    auth.login(kopi["cora"].email)
    assert PSEUDONYM.match(by_institution(export_csv(client, db), "Universitas Kopi")[0]["Student"])


def test_a_coordinator_of_an_unrelated_institution_gets_none(kopi: World, auth, client, db):
    assert kopi.stranger_coordinator is not None and kopi.stranger is not None
    assert list(records(Filters(kopi.stranger.id, as_of=AS_OF))) == []
    auth.login(kopi.stranger_coordinator.email)
    assert export_csv(client, db) == []


def test_an_admin_exports_everyone_by_name(kopi: World, auth: Any, client: Any, factory, db):
    admin = factory.user(Role.ADMIN, None, name="Ada Admin", email="ada@coil.example")
    db.session.commit()
    everyone = list(records(Filters(None, as_of=AS_OF)))
    assert sorted(r.name for r in everyone) == ["Anna", "Bram", "Dewi"]
    assert not any(r.partner for r in everyone)
    auth.login(admin.email)
    rows = export_csv(client, db)
    assert sorted(r["Student"] for r in rows) == ["Anna", "Bram", "Dewi"]
    assert "dewi@id.example" in {r["E-mail"] for r in rows}


def _coded(digest: bytes) -> str:
    number = int.from_bytes(digest[:5], "big")
    return "P-" + "".join(CROCKFORD[(number >> s) & 31] for s in range(35, -1, -5))


def test_the_pseudonym_needs_the_secret(app: Any) -> None:
    with app.app_context():
        code = pseudonym(7, 42)
        assert PSEUDONYM.match(code) and code == pseudonym(7, 42)
        # not a plain hash of the ids, however written
        for message in (b"7:42", b"42", b"7-42", b"742", b"42:7"):
            for algorithm in ("sha256", "sha1", "md5", "blake2b"):
                digest = hashlib.new(algorithm, message).digest()
                assert _coded(digest) != code
                assert base64.b32encode(digest)[:8].decode() != code[2:]
        # another secret, another pseudonym
        secret = current_app.config["SECRET_KEY"]
        current_app.config["SECRET_KEY"] = secret + "x"
        try:
            assert pseudonym(7, 42) != code
        finally:
            current_app.config["SECRET_KEY"] = secret
        assert pseudonym(7, 42) == code
        assert pseudonym(7, 43) != code and pseudonym(8, 42) != code


def test_a_lecturer_exports_their_own_exchanges(kopi: World, auth: Any, client: Any, db) -> None:
    auth.login(kopi["lena"].email)
    assert "Figures and exports of this exchange" in client.get(
        f"/exchanges/{kopi.exchange.id}"
    ).get_data(as_text=True)
    assert client.get("/reports").status_code == 200
    assert client.get("/reports/audit").status_code == 403  # the log is the coordinators'
    rows = export_csv(client, db)
    assert {r["Student"] for r in by_institution(rows, "Hogeschool Kopi")} == {"Anna", "Bram"}
    dewi = by_institution(rows, "Universitas Kopi")
    assert len(dewi) == 1 and PSEUDONYM.match(dewi[0]["Student"])
    job = db.session.scalars(select(ExportJob)).one()
    assert job.filters["owner_id"] == kopi["lena"].id
    auth.logout()

    auth.login(kopi["budi"].email)  # Jakarta's lecturer: Dewi by name, Amsterdam's hidden
    rows = export_csv(client, db)
    assert [r["Student"] for r in by_institution(rows, "Universitas Kopi")] == ["Dewi"]
    assert all(PSEUDONYM.match(r["Student"]) for r in by_institution(rows, "Hogeschool Kopi"))
    auth.logout()

    assert kopi.stranger_lecturer is not None
    auth.login(kopi.stranger_lecturer.email)  # teaches a course in no exchange
    assert export_csv(client, db) == []
    assert client.get(f"/reports?exchange={kopi.exchange.id}").status_code == 422


def test_a_lecturer_cannot_widen_their_scope(kopi: World) -> None:
    import pytest

    from coil.core.errors import ServiceError
    from coil.reports.services import request_export

    lena = kopi["lena"]
    with pytest.raises(ServiceError):  # the whole institution is the coordinators'
        request_export(lena, Filters(lena.institution_id, as_of=AS_OF), "csv", "en")
    with pytest.raises(ServiceError):
        request_export(kopi["anna"], Filters(lena.institution_id, as_of=AS_OF), "csv", "en")
