"""Build the browser tests' database: migrate, then the shared test world (tests/world.py,
preset KOPI: Anna and Dewi in one published team, their lecturer Lena, the exchange's rooms),
plus one of each thing a page type lists (a task, a document, a live session, a reflection
prompt, an approved badge awarded to Anna) and an administrator, so every page type has data.
Run as ``python -m tests.browser.seed`` with ``COIL_INSTANCE_PATH`` set; writes the ids the
page tour needs to ``seed.json`` in the instance folder and prints the team room's id.
"""

from __future__ import annotations

import json
import os
from datetime import date, time
from pathlib import Path

PASSWORD = "correct horse battery"
PEOPLE = {
    "lecturer": ("lena@nl.example", "Lena"),
    "anna": ("anna@nl.example", "Anna"),
    "dewi": ("dewi@id.example", "Dewi"),
    "cora": ("cora@nl.example", "Cora"),
    "admin": ("admin@coil.example", "Alex Admin"),
}


def _extras(world, factory) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Add one of each listed thing; return the ids of the pages that show them."""
    from coil.accounts.models import Role
    from coil.chat.sending import post_message
    from coil.credentials import services as credentials
    from coil.demo.credentials import BADGE
    from coil.reflections.services import PromptData, create_prompt
    from coil.schedule.services import SessionData, create_session
    from coil.spaces.documents import create_document
    from coil.spaces.services import create_task

    lena, cora, anna = world["lena"], world["cora"], world["anna"]
    exchange, space = world.exchange, world.team_spaces[0]
    factory.user(Role.ADMIN, None, password=PASSWORD, email=PEOPLE["admin"][0], name="Alex Admin")
    create_task(anna, space, title="Draft the campaign brief")
    post_message(world["dewi"], world.team_rooms[0], "seed-1", "Selamat pagi! **Ready**?")
    document = create_document(anna, space, title="Campaign brief", body="Who we talk to.")
    session = create_session(
        lena,
        exchange,
        SessionData("Kick-off", date(2027, 2, 2), time(9), time(10), "Europe/Amsterdam"),
    )
    create_prompt(
        lena,
        exchange,
        PromptData(
            0,
            {"en": "What surprised you?"},
            ["curiosity"],
            date(2027, 2, 20),
            time(17),
            "Europe/Amsterdam",
        ),
    )
    badge = credentials.create_badge(lena, exchange, BADGE)
    credentials.decide(cora, badge.latest, approve=True)
    award = credentials.award_manually(lena, badge, anna, "Led the campaign pitch.")
    credentials.set_public(anna, award, public=True)
    factory.save()
    return {
        "exchange": exchange.id,
        "course": world.courses["nl"].id,
        "partner_course": world.courses["id"].id,
        "institution": world.institutions["nl"].id,
        "proposal": world.proposals[0].id,
        "team": world.teams[0].id,
        "space": space.id,
        "document": document.id,
        "session": session.id,
        "award_uid": award.uid,
        "anna": anna.id,
    }


def main() -> None:
    from flask_migrate import upgrade

    from coil import create_app
    from coil.extensions import db
    from tests.factories import Factory
    from tests.world import KOPI

    app = create_app()
    with app.app_context():
        upgrade()
        factory = Factory(db)
        world = factory.world(KOPI, password=PASSWORD)
        for key, (email, name) in PEOPLE.items():
            if key == "admin":
                continue
            person = world["lena" if key == "lecturer" else key]
            assert (person.email, person.name) == (email, name), key
        ids = _extras(world, factory)
        db.session.commit()
        ids["room"] = world.team_rooms[0].id
        Path(os.environ["COIL_INSTANCE_PATH"], "seed.json").write_text(json.dumps(ids))
        print(world.team_rooms[0].id)


if __name__ == "__main__":
    main()
