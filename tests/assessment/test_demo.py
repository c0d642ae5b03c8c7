"""The demo's assessment data: both self-assessments, two raters who mostly agree, and peer
evaluations in which a clique and an overconfident student are flagged; windows closed again.
Valeria's closing self-assessment is left for the README's badge journey."""

from __future__ import annotations

from sqlalchemy import select

from coil.accounts.services import find_user_by_email
from coil.assessment import queries
from coil.assessment.models import AssessmentWindow, LecturerRating, SelfAssessment
from coil.demo.seed import seed_demo
from coil.teams.models import Team


def test_the_demo_assessment_shows_agreement_and_flags(app, db):
    seed_demo()
    seed_demo()  # loading twice adds nothing
    exchange = db.session.scalar(select(Team).where(Team.name == "Team Tulip")).exchange
    stages = list(db.session.scalars(select(SelfAssessment.stage)))
    assert sorted(stages) == ["post"] * 7 + ["pre"] * 8  # Valeria's closing one is still to do
    assert len(list(db.session.scalars(select(LecturerRating)))) == 16
    found = queries.agreement(exchange)["empathy"]
    assert (found.statistic, found.units) == ("kappa", 8) and found.value is not None
    flagged = {(f.code, f.student) for t in queries.peer_details(exchange) for f in t.flags}
    daan = find_user_by_email("daan@amstelland.example")
    assert ("overconfident", daan.id) in flagged
    assert any(code == "clique" for code, _student in flagged)
    assert list(db.session.scalars(select(AssessmentWindow))) == []
