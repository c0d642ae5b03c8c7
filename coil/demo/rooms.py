"""Demo data for live rooms: a running Amsterdam-Mexico City exchange with published teams.

Pieter's "International Marketing" (Amsterdam) pairs with Carlos's "Global Marketing" (Mexico
City), running around the day the demo is loaded; four students of each class are enrolled and
split into two mixed teams, and a few messages are already in the rooms, so that two people can
open their team room and talk at once (e.g. daan@amstelland.example and diego@utvalle.example,
password as for all demo accounts).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from coil.accounts.models import User
from coil.accounts.services import find_user_by_email
from coil.chat.models import Room
from coil.chat.sending import post_message
from coil.chat.services import ensure_rooms
from coil.core.time import utcnow
from coil.courses.models import Course
from coil.exchanges.enrolling import enrol
from coil.exchanges.services import ensure_phases
from coil.extensions import db
from coil.spaces.services import ensure_space
from coil.teams.models import Team, TeamMember

LIVE_EXCHANGE = (
    "pieter@amstelland.example",
    "International Marketing",
    "carlos@utvalle.example",
    "Global Marketing",
)
TEAMS = (
    ("Team Tulip", ("daan@amstelland.example", "lotte@amstelland.example",
                    "diego@utvalle.example", "valeria@utvalle.example")),
    ("Team Cacao", ("youssef@amstelland.example", "emma@amstelland.example",
                    "jose@utvalle.example", "camila@utvalle.example")),
)  # fmt: skip
MESSAGES = (
    (None, "pieter@amstelland.example", "Welcome to **International Marketing × Global "
     "Marketing**! Say hello in your team room and agree on a first meeting time."),
    ("Team Tulip", "diego@utvalle.example", "¡Hola! I'm Diego from Mexico City. Tuesdays at "
     "08:00 my time work for me, is that OK for Amsterdam?"),
    ("Team Tulip", "lotte@amstelland.example", "Hi Diego! That is mid-afternoon here, "
     "perfect. @Daan Bakker can you make it?"),
)  # fmt: skip


def _course(owner_email: str, title: str) -> Course | None:
    owner = find_user_by_email(owner_email)
    if owner is None:
        return None
    return db.session.scalar(
        select(Course).where(Course.owner_id == owner.id, Course.title == title)
    )


# The exchange runs around the day the demo is loaded: it began about six weeks before and
# ends in about ten days, so that it is in its last phase and its history makes sense.
STARTED_DAYS_AGO = 42
ENDS_IN_DAYS = 10


def ensure_live_exchange(today: date | None = None) -> None:
    """Pair the two marketing courses, enrol the students, publish teams, post a few messages."""
    from coil.pairings.services import accept, propose

    proposer, from_title, recipient, to_title = LIVE_EXCHANGE
    a, b = _course(proposer, from_title), _course(recipient, to_title)
    if a is None or b is None or a.owner is None:
        return
    if db.session.scalar(select(Room.id).where(Room.name == TEAMS[0][0])) is not None:
        return  # loaded before
    proposal = propose(a.owner, a, b, "Shall our marketing students compare campaigns?")
    exchange = accept(b.owner, proposal)
    exchange.status = "running"
    today = today or utcnow().date()
    exchange.start_date = today - timedelta(days=STARTED_DAYS_AGO)
    exchange.end_date = today + timedelta(days=ENDS_IN_DAYS)
    ensure_phases(exchange)
    courses = {a.institution_id: a, b.institution_id: b}
    for number, (name, emails) in enumerate(TEAMS, start=1):
        team = Team(exchange=exchange, number=number, name=name)
        db.session.add(team)
        for email in emails:
            student = find_user_by_email(email)
            if student is None or student.institution_id not in courses:
                continue
            enrol(student, courses[student.institution_id])
            team.members.append(TeamMember(user=student))
    db.session.flush()
    exchange.teams_published_at = utcnow()
    ensure_space(exchange)
    for team in exchange.teams:
        ensure_space(exchange, team)
    rooms = {room.team.name if room.team else None: room for room in ensure_rooms(exchange)}
    for number, (team_name, email, body) in enumerate(MESSAGES):
        author = find_user_by_email(email)
        if isinstance(author, User):
            post_message(author, rooms[team_name], f"demo-{number}", body)
