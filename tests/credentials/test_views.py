"""The pages as people use them: define (with form errors), approve, award, share, revoke."""

from __future__ import annotations

import io

from sqlalchemy import select

from coil.credentials.models import Award, Badge

FORM = {
    "name": "Bridge builder",
    "description": "Built bridges.",
    "criteria": "Take part.",
    "rules": "sessions 2\nself_assessment post",
    "alignment": "curiosity, empathy",
    "learning_outcomes": "Collaborates across cultures.\nPlans across time zones.",
    "ects": "1.5",
    "eqf_level": "6",
    "assessment_type": "Portfolio",
    "participation": "online",
    "sync_hours": "8",
    "async_hours": "20",
    "quality_assurance": "Institutional",
    "valid_months": "",
}


def test_a_lecturer_defines_and_the_coordinator_approves(kopi, auth, client, db):
    x = kopi.exchange.id
    auth.login("lena@nl.example")
    bad = auth.post(f"/exchanges/{x}/badges/new", dict(FORM, rules="sessions lots"))
    assert bad.status_code == 422 and "The rules are not valid" in bad.text
    fake = (io.BytesIO(b"<svg><script>alert(1)</script></svg>"), "badge.png")
    refused = auth.post(f"/exchanges/{x}/badges/new", dict(FORM, image=fake))
    assert refused.status_code == 422 and "must be a PNG or JPEG" in refused.text
    assert auth.post(f"/exchanges/{x}/badges/new", FORM).status_code == 302
    badge = db.session.scalars(select(Badge)).one()
    version = badge.latest
    assert version.rules == [
        {"kind": "sessions", "min": 2},
        {"kind": "self_assessment", "stage": "post"},
    ]
    assert version.learning_outcomes == [
        "Collaborates across cultures.",
        "Plans across time zones.",
    ]
    assert version.status == "submitted" and version.ects == 1.5
    auth.logout()
    auth.login("cora@nl.example")
    page = client.get(f"/exchanges/{x}/badges")
    assert "Approve" in page.text
    done = auth.post(
        f"/badge-versions/{version.id}/decision", {"decision": "approve"}, f"/exchanges/{x}/badges"
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert badge.latest.status == "approved"


def test_award_share_and_revoke_through_the_pages(kopi, badge, auth, client, db, app):
    x = kopi.exchange.id
    auth.login("lena@nl.example")
    answer = auth.post(
        f"/badges/{badge.id}/award",
        {"student": str(kopi["bram"].id), "justification": "Led the final presentation."},
        f"/exchanges/{x}/badges",
    )
    assert answer.status_code == 302
    award = db.session.scalars(select(Award)).one()
    auth.logout()
    auth.login("bram@nl.example")
    assert "Intercultural Collaborator" in client.get("/credentials").text
    visitor = app.test_client()
    private = visitor.get(f"/badges/c/{award.uid}").text
    assert "Bram" not in private and "keeps their name private" in private
    auth.post(f"/credentials/{award.id}/sharing", {"public": "y"}, "/credentials")
    assert "Earned by Bram" in visitor.get(f"/badges/c/{award.uid}").text
    auth.logout()
    auth.login("cora@nl.example")
    auth.post(
        f"/awards/{award.id}/revoke", {"reason": "Awarded by mistake"}, f"/exchanges/{x}/badges"
    )
    db.session.expire_all()
    assert award.revoked_at is not None
    page = client.get(f"/verify?badge={award.uid}")
    assert "Revoked" in page.text and "Awarded by mistake" in page.text
