"""Demo data for the README's journeys: a proposal to answer, students in every state, prompt
cards for every phase of the running exchange. Safe to load twice.

- Pieter (Amsterdam) finds partners for *Consumer Behaviour*: *Consumer Insights* (Mexico City)
  ranks high and shows the shared hours change when Europe moves to summer time and Mexico does
  not, *Digital Marketing in Southeast Asia* (Surabaya) too, *Marketing Principles* (Cape Town)
  is a weak match; Budi's proposal from Surabaya waits for Pieter's answer.
- Students: Daan, Lotte, Diego... work in published teams of the running exchange; Lerato
  (Cape Town) is enrolled in the Cape Town-Surabaya exchange and gave her availability, Sipho is
  enrolled without it, Anika and Kagiso are not in an exchange yet.
- The running Amsterdam-Mexico City exchange has prompt cards for each of its phases, its final
  presentations planned for the coming Tuesday, and a task for Team Tulip.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from coil.accounts.models import AvailabilitySlot, User
from coil.accounts.services import find_user_by_email, set_availability
from coil.courses.models import Course
from coil.dialogue.models import PromptCard
from coil.dialogue.services import pick_starters
from coil.exchanges.enrolling import enrol
from coil.exchanges.models import ExchangeCourse
from coil.extensions import db
from coil.pairings.models import Proposal
from coil.pairings.services import propose
from coil.schedule.models import LiveSession
from coil.schedule.services import SessionData, create_session
from coil.spaces.models import Space, Task
from coil.spaces.services import create_task
from coil.teams.models import Team

PENDING = (
    "budi@nusantara.example",
    "Digital Marketing in Southeast Asia",
    "pieter@amstelland.example",
    "Consumer Behaviour",
    "Our students build online campaigns for small Indonesian brands; yours could explain how "
    "European consumers would see them. Shall we run six weeks together from March?",
)
# Cape Town's class in the Cape Town-Surabaya exchange: Lerato gave her availability, Sipho not.
ENROLLED = (("lerato@tablebay.example", True), ("sipho@tablebay.example", False))
CAPE_TOWN_COURSE = ("johan@tablebay.example", "Business Communication Across Cultures")
LIVE_COURSE = ("pieter@amstelland.example", "International Marketing")
LIVE_STUDENTS = (
    "daan@amstelland.example",
    "lotte@amstelland.example",
    "youssef@amstelland.example",
    "emma@amstelland.example",
    "diego@utvalle.example",
    "valeria@utvalle.example",
    "jose@utvalle.example",
    "camila@utvalle.example",
)
# Library prompts per phase of the running exchange (phase key -> starter keys).
CARDS = {
    "icebreaker": ("icebreaker-1", "icebreaker-2", "icebreaker-3"),
    "comparison": ("comparison-1", "comparison-2", "comparison-3"),
    "collaboration": ("comparison-4", "comparison-5"),
    "reflection": ("reflection-1", "reflection-2", "reflection-3"),
}
# Weekly availability in each person's own zone: weekday mornings or afternoons.
AFTERNOONS = [(day, time(13), time(18)) for day in range(5)]
MORNINGS = [(day, time(7), time(12)) for day in range(5)]


def _course(owner_email: str, title: str) -> Course | None:
    owner = find_user_by_email(owner_email)
    if owner is None:
        return None
    return db.session.scalar(
        select(Course).where(Course.owner_id == owner.id, Course.title == title)
    )


def _give_availability(user: User, slots: list[tuple[int, time, time]]) -> None:
    if db.session.scalar(select(AvailabilitySlot.id).where(AvailabilitySlot.user_id == user.id)):
        return
    set_availability(user, slots)


def ensure_pending_proposal() -> None:
    """Let Budi's proposal from Surabaya wait for Pieter's answer (once)."""
    proposer, from_title, recipient, to_title, message = PENDING
    a, b = _course(proposer, from_title), _course(recipient, to_title)
    if a is None or b is None:
        return
    made = select(Proposal.id).where(Proposal.from_course_id == a.id, Proposal.to_course_id == b.id)
    if db.session.scalar(made) is None and a.status == "open" and b.status == "open":
        propose(a.owner, a, b, message)


def ensure_students() -> None:
    """Enrol Lerato and Sipho in the Cape Town course, and give availability where it belongs."""
    course = _course(*CAPE_TOWN_COURSE)
    if course is None:
        return
    joined = select(ExchangeCourse.id).where(ExchangeCourse.course_id == course.id)
    if db.session.scalar(joined) is None:
        return  # the Cape Town-Surabaya exchange was not made
    for email, available in ENROLLED:
        student = find_user_by_email(email)
        if student is None:
            continue
        enrol(student, course)
        if available:
            _give_availability(student, AFTERNOONS)
    for email in LIVE_STUDENTS:
        student = find_user_by_email(email)
        if student is not None:
            zone_slots = MORNINGS if student.timezone == "America/Mexico_City" else AFTERNOONS
            _give_availability(student, zone_slots)


def ensure_prompt_cards() -> None:
    """Give each phase of the running exchange a few prompt cards from the library (once)."""
    course = _course(*LIVE_COURSE)
    if course is None:
        return
    member = db.session.scalar(select(ExchangeCourse).where(ExchangeCourse.course_id == course.id))
    if member is None:
        return
    exchange = member.exchange
    if db.session.scalar(select(PromptCard.id).where(PromptCard.exchange_id == exchange.id)):
        return
    phases = {phase.key: phase.id for phase in exchange.phases}
    for key, starters in CARDS.items():
        if key in phases:
            pick_starters(course.owner, exchange, starters, "en", phases[key])


def ensure_next_session_and_task(today: date) -> None:
    """Plan the final presentations on the coming Tuesday and give Team Tulip a task due the
    day before, so that the students' home pages show what comes next (once)."""
    course = _course(*LIVE_COURSE)
    member = course and db.session.scalar(
        select(ExchangeCourse).where(ExchangeCourse.course_id == course.id)
    )
    if course is None or not member:
        return
    exchange = member.exchange
    if db.session.scalar(select(LiveSession.id).where(LiveSession.exchange_id == exchange.id)):
        return
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    data = SessionData("Final presentations", tuesday, time(15), time(16), "Europe/Amsterdam")
    create_session(course.owner, exchange, data)
    space = db.session.scalar(
        select(Space)
        .join(Team, Team.id == Space.team_id)
        .where(Team.exchange_id == exchange.id, Team.name == "Team Tulip")
    )
    if space is not None and not db.session.scalar(
        select(Task.id).where(Task.space_id == space.id)
    ):
        due = datetime.combine(tuesday - timedelta(days=1), time(21), tzinfo=UTC)
        create_task(course.owner, space, title="Rehearse the final presentation", due_at=due)


def ensure_journeys(today: date) -> None:
    """Add what the README's journeys need on top of the institutions, courses and exchanges."""
    ensure_pending_proposal()
    ensure_students()
    ensure_prompt_cards()
    ensure_next_session_and_task(today)
