"""The demo's six weeks of history: it makes the early warnings show, and loads once."""

from __future__ import annotations

from sqlalchemy import func, select

from coil.core.time import utcnow
from coil.demo.history import ensure_history
from coil.demo.seed import seed_demo
from coil.engagement.summary import overview
from coil.evidence.models import LedgerEvent
from coil.teams.models import Team


def test_the_demo_history_shows_a_drifting_team_and_a_silent_student(app, db):
    seed_demo()
    events = db.session.scalar(select(func.count()).select_from(LedgerEvent))
    assert events > 500
    team = db.session.scalar(select(Team).where(Team.name == "Team Cacao"))
    seen = overview(team.exchange, utcnow())
    names = {s.user_id: s.name for s in seen.students}
    found = {(w.code, names.get(w.user_id, "")) for w in seen.warnings}
    assert any(code == "dominant_person" and "Youssef" in name for code, name in found), found
    assert any(code == "inactive" and "Camila" in name for code, name in found), found
    assert any(code == "own_class_only" and "Emma" in name for code, name in found), found
    # every event within the six weeks before today
    oldest = db.session.scalar(select(func.min(LedgerEvent.occurred_at)))
    assert (utcnow() - oldest).days <= 42
    assert ensure_history() == 0
    seed_demo()
    assert db.session.scalar(select(func.count()).select_from(LedgerEvent)) == events
