"""Demo reflections in the running Amsterdam-Mexico City exchange (coil/demo/rooms.py).

Pieter picks one library prompt per phase; Daan, Lotte and Valeria (Team Tulip) have written
some and put them in their portfolio, and Daan shares his with the team, so the journal, the
portfolio, the lecturers' reading view and a badge's evidence have something to show. Loading
twice adds nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from coil.accounts.services import find_user_by_email
from coil.demo.rooms import LIVE_EXCHANGE
from coil.extensions import db
from coil.reflections import services
from coil.reflections.models import ReflectionPrompt
from coil.reflections.queries import entry_of
from coil.teams.models import Team

PROMPTS = ("icebreaker-1", "comparison-1", "collaboration-1", "reflection-1")
SHARES = "daan@amstelland.example"
ENTRIES: dict[str, dict[str, str]] = {
    "daan@amstelland.example": {
        "icebreaker-1": (
            "I only noticed how much I plan when Diego suggested we *just start* and see. "
            "At home a project begins with a schedule; in our first call the Mexico City "
            "side began with people. I think it comes from how my programme grades us."
        ),
        "comparison-1": (
            "Our campaign test showed that direct claims work for Dutch students but read "
            "as cold to Valeria's classmates. We rewrote the slogan together and both "
            "versions got better."
        ),
    },
    "valeria@utvalle.example": {
        "icebreaker-1": (
            "Me di cuenta de que en mi familia siempre se saluda a todos antes de hablar "
            "de trabajo. En el equipo, Daan empezaba directamente con la agenda y al "
            "principio me pareció brusco; ahora entiendo que es respeto por el tiempo."
        ),
        "collaboration-1": (
            "With seven hours between us, we agreed that whoever is awake writes a short "
            "summary in the team space. It made the time difference feel like a relay, "
            "not a wall."
        ),
    },
    "lotte@amstelland.example": {
        "icebreaker-1": (
            "I had never thought about how often we say 'no' in Dutch meetings. My "
            "partners asked me about it, kindly, and I am still thinking about it."
        ),
    },
}


def ensure_demo_reflections() -> None:
    """Pick the prompts and write the entries (once)."""
    team = db.session.scalar(select(Team).where(Team.name == "Team Tulip"))
    pieter = find_user_by_email(LIVE_EXCHANGE[0])
    if team is None or pieter is None:
        return
    exchange = team.exchange
    if db.session.scalar(
        select(ReflectionPrompt.id).where(ReflectionPrompt.exchange_id == exchange.id).limit(1)
    ):
        return  # loaded before
    prompts = services.pick_starters(pieter, exchange, PROMPTS, "Europe/Amsterdam")
    by_key = {prompt.starter: prompt for prompt in prompts}
    for email, texts in ENTRIES.items():
        student = find_user_by_email(email)
        if student is None:
            continue
        for key, text in texts.items():
            services.submit(student, exchange, by_key[key], text)
            entry = entry_of(by_key[key], student)
            if entry is not None:
                services.set_sharing(student, entry, shared=email == SHARES, in_portfolio=True)
