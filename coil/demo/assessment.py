"""Demo data for assessment, in the running Amsterdam-Mexico City exchange (coil/demo/rooms.py).

Every student of Team Tulip and Team Cacao self-assesses at the start and at the end; Pieter
(Amsterdam) and Carlos (Mexico City) each rate every student, close but not always equal, so
the agreement figures show; both teams evaluate their peers. Valeria has not done her closing
self-assessment yet: doing it is the README's micro-credential journey (the demo badge asks for
it). Team Cacao splits into two pairs
who rate only each other highly (flagged as a clique) and Daan rates himself far above what
his teammates give him (flagged as overconfident).

The windows open with the exchange's phases, whatever their dates: the demo opens them for
its own submissions and closes them again afterwards, so it works on any day.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from coil.accounts.models import User
from coil.accounts.services import find_user_by_email
from coil.assessment import catme, services
from coil.assessment.models import WINDOWS, AssessmentWindow, SelfAssessment
from coil.core.time import utcnow
from coil.demo.rooms import TEAMS
from coil.exchanges.models import Exchange
from coil.extensions import db
from coil.rubrics.value import DIMENSIONS
from coil.teams.models import Team

KEYS = [key for key, *_rest in DIMENSIONS]
PIETER, CARLOS = "pieter@amstelland.example", "carlos@utvalle.example"
LATE = "valeria@utvalle.example"  # her closing self-assessment is still to do
# (rater, ratee) -> level on all five dimensions; self-ratings by rater alone
CLIQUE = (
    ("youssef", "emma", 5), ("emma", "youssef", 5), ("jose", "camila", 5), ("camila", "jose", 5),
    ("youssef", "jose", 2), ("youssef", "camila", 2), ("emma", "jose", 2), ("emma", "camila", 2),
    ("jose", "youssef", 2), ("jose", "emma", 2), ("camila", "youssef", 2), ("camila", "emma", 2),
)  # fmt: skip
TULIP = (
    ("daan", "lotte", 4), ("daan", "diego", 4), ("daan", "valeria", 4),
    ("lotte", "daan", 2), ("lotte", "diego", 4), ("lotte", "valeria", 5),
    ("diego", "daan", 3), ("diego", "lotte", 5), ("diego", "valeria", 4),
    ("valeria", "daan", 2), ("valeria", "lotte", 4), ("valeria", "diego", 4),
)  # fmt: skip
SELF = {"daan": 5}  # everyone else rates themself 4


def _person(name: str) -> User | None:
    for _team, emails in TEAMS:
        for email in emails:
            if email.startswith(f"{name}@"):
                return find_user_by_email(email)
    return None


def _levels(value: int) -> dict[str, int]:
    return {key: max(0, min(4, value)) for key in KEYS}


def _scores(value: int) -> dict[str, int]:
    return dict.fromkeys(catme.KEYS, value)


def ensure_assessment_demo() -> None:
    """Add the self-assessments, ratings and peer evaluations (once)."""
    team = db.session.scalar(select(Team).where(Team.name == TEAMS[0][0]))
    pieter, carlos = find_user_by_email(PIETER), find_user_by_email(CARLOS)
    if team is None or pieter is None or carlos is None:
        return
    exchange: Exchange = team.exchange
    done = select(SelfAssessment.id).where(SelfAssessment.exchange_id == exchange.id)
    if db.session.scalar(done.limit(1)) is not None:
        return  # loaded before
    for kind in WINDOWS:
        services.reopen(pieter, exchange, kind, utcnow() + timedelta(hours=1))
    students = [user for user in (_person(e.split("@")[0]) for _t, es in TEAMS for e in es) if user]
    for number, student in enumerate(students):
        start = 1 + number % 2
        services.submit_self_assessment(student, exchange, "pre", _levels(start))
        if student.email != LATE:
            services.submit_self_assessment(
                student, exchange, "post", _levels(start + 1 + number % 3 // 2)
            )
        services.rate(pieter, exchange, student, _levels(2 + number % 3))
        services.rate(carlos, exchange, student, _levels(2 + (number + number // 3) % 3))
    given: dict[str, dict[int, dict[str, int]]] = {}
    for rater, ratee, value in (*TULIP, *CLIQUE):
        who = _person(ratee)
        if who is not None:
            given.setdefault(rater, {})[who.id] = _scores(value)
    for rater, scores in given.items():
        person = _person(rater)
        if person is not None:
            services.evaluate_peers(person, exchange, scores, _scores(SELF.get(rater, 4)))
    # the windows follow the exchange's phases again
    db.session.execute(delete(AssessmentWindow).where(AssessmentWindow.exchange_id == exchange.id))
    db.session.flush()
