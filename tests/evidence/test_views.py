"""The transparency page and the notice students see before anything is recorded about them."""

from __future__ import annotations

from coil.evidence.kinds import KINDS
from coil.evidence.models import EvidenceNotice
from tests.conftest import csrf_token


def test_students_are_told_what_is_recorded_until_they_have_read_it(client, auth, factory, db):
    kopi = factory.world()
    exchange = kopi.exchange
    auth.login(kopi["anna"].email)
    page = client.get(f"/exchanges/{exchange.id}").get_data(as_text=True)
    assert "Your participation counts" in page
    recorded = client.get(f"/exchanges/{exchange.id}/evidence/recorded").get_data(as_text=True)
    for kind in KINDS.values():
        assert str(kind.label) in recorded
    assert "never you by name" in recorded  # who sees it
    token = csrf_token(client, f"/exchanges/{exchange.id}/evidence/recorded")
    response = client.post(f"/exchanges/{exchange.id}/evidence/notice", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.query(EvidenceNotice).filter_by(user_id=kopi["anna"].id).count() == 1
    assert "Your participation counts" not in client.get(f"/exchanges/{exchange.id}").get_data(
        as_text=True
    )


def test_lecturers_see_the_page_but_no_notice(client, auth, factory, db):
    kopi = factory.world()
    auth.login(kopi["lena"].email)
    page = client.get(f"/exchanges/{kopi.exchange.id}").get_data(as_text=True)
    assert "Your participation counts" not in page
    assert "What is recorded" in page
