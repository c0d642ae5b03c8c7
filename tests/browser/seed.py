"""Build the browser tests' database: migrate, then the shared test world (tests/world.py,
preset KOPI: Anna and Dewi in one published team, their lecturer Lena, the exchange's rooms).
Run as ``python -m tests.browser.seed`` with ``COIL_INSTANCE_PATH`` set; prints the team room's
id.
"""

from __future__ import annotations

PASSWORD = "correct horse battery"
PEOPLE = {
    "lecturer": ("lena@nl.example", "Lena"),
    "anna": ("anna@nl.example", "Anna"),
    "dewi": ("dewi@id.example", "Dewi"),
    "cora": ("cora@nl.example", "Cora"),
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
        world = Factory(db).world(KOPI, password=PASSWORD)
        for key, (email, name) in PEOPLE.items():
            person = world["lena" if key == "lecturer" else key]
            assert (person.email, person.name) == (email, name), key
        print(world.team_rooms[0].id)


if __name__ == "__main__":
    main()
