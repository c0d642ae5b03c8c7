"""A fresh database with one exchange whose students chat in team rooms: the world of chat_load.

    .venv/bin/python bench/chat_seed.py --database-url URL --clients 200 --rooms 20 --out world.json

Migrates the (empty) database given by URL, then builds, directly from the models (no argon2:
every account gets the same unusable password hash), two institutions with one lecturer and one
paired course each, a running exchange of both courses with ``rooms`` published teams of
``clients / rooms`` students (alternately from either course), the exchange and team rooms
(``coil.chat.services.ensure_rooms``), and one personal API token per student
(``coil.accounts.tokens.create_api_token``). It writes
``{"exchange_id", "rooms": [team room ids], "clients": [{"user_id", "room", "token"}]}`` to
``--out`` (the secrets are only ever in that file: keep it in a temporary directory).

:func:`create_database` / :func:`drop_database` make and remove the throw-away database
(a SQLite file in a given folder, or a new PostgreSQL database ``coil_bench_<random>``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def create_database(kind: str, folder: Path, admin_url: str = PG_ADMIN_URL) -> str:
    """Create an empty database; return its URL (``kind`` is ``sqlite`` or ``postgres``)."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    if kind != "postgres":
        raise ValueError(f"unknown database kind {kind!r}")
    import psycopg

    name = f"coil_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str, admin_url: str = PG_ADMIN_URL) -> None:
    """Remove a PostgreSQL database made by :func:`create_database` (SQLite files go with
    their temporary folder)."""
    if not url.startswith("postgres"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not name.startswith("coil_bench_"):
        raise ValueError(f"refusing to drop {name!r}: not a bench database")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(url: str, clients: int, rooms: int) -> dict[str, Any]:
    """Migrate the empty database at ``url`` and fill it; return the world (with secrets)."""
    if clients < 2 * rooms:
        raise SystemExit("need at least two clients per room")
    os.environ.setdefault("COIL_ENV", "development")
    from flask_migrate import upgrade

    from coil import create_app
    from coil.accounts.models import Role, User
    from coil.accounts.tokens import create_api_token
    from coil.chat.services import ensure_rooms
    from coil.core.time import utcnow
    from coil.courses.models import Course
    from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse
    from coil.extensions import db
    from coil.institutions.models import Institution
    from coil.teams.models import Team, TeamMember
    from config import normalise_database_url

    app = create_app(SQLALCHEMY_DATABASE_URI=normalise_database_url(url))
    logging.getLogger().setLevel(logging.WARNING)  # create_app logs at INFO
    with app.app_context():
        upgrade()
        nl = Institution(
            name="Bench Hogeschool",
            country="NL",
            city="Utrecht",
            timezone="Europe/Amsterdam",
            languages=["nl", "en"],
            status="active",
        )
        id_ = Institution(
            name="Bench Universitas",
            country="ID",
            city="Bandung",
            timezone="Asia/Jakarta",
            languages=["id", "en"],
            status="active",
        )
        db.session.add_all([nl, id_])
        db.session.flush()

        def person(n: int | str, role: str, institution: Institution) -> User:
            return User(
                email=f"bench-{role}-{n}@bench.example",
                name=f"Bench {role.title()} {n}",
                password_hash="!bench-no-login",  # never matches: nobody logs in with a password
                role=role,
                institution=institution,
                timezone=institution.timezone,
                active=True,
            )

        lecturers = [person(1, Role.LECTURER, nl), person(2, Role.LECTURER, id_)]
        db.session.add_all(lecturers)
        db.session.flush()
        today = datetime.now(UTC).date()
        # Paired courses straight from the model: the matching engine is no part of this world.
        courses = [
            Course(
                institution=lecturer.institution,
                owner=lecturer,
                title=f"Bench course {i + 1}",
                first_day=today - timedelta(days=30),
                last_day=today + timedelta(days=60),
                timezone=lecturer.institution.timezone,  # type: ignore[union-attr]
                status="paired",
            )
            for i, lecturer in enumerate(lecturers)
        ]
        db.session.add_all(courses)
        db.session.flush()
        exchange = Exchange(
            title="Bench exchange",
            status="running",
            start_date=today - timedelta(days=7),
            end_date=today + timedelta(days=60),
            working_language="en",
            min_level="B2",
            teams_published_at=utcnow(),
        )
        exchange.members = [ExchangeCourse(course=c) for c in courses]
        db.session.add(exchange)
        db.session.flush()

        students = [person(i, Role.STUDENT, courses[i % 2].institution) for i in range(clients)]
        db.session.add_all(students)
        db.session.flush()
        db.session.add_all(
            Enrolment(exchange_id=exchange.id, course_id=courses[i % 2].id, user_id=s.id)
            for i, s in enumerate(students)
        )
        # Student i sits in team i % rooms: consecutive clients talk in different rooms.
        teams = [Team(exchange=exchange, number=t + 1, name=f"Team {t + 1}") for t in range(rooms)]
        for i, student in enumerate(students):
            teams[i % rooms].members.append(TeamMember(user=student))
        db.session.add_all(teams)
        db.session.flush()
        _exchange_room, *team_rooms = ensure_rooms(exchange)
        room_of_team = {room.team_id: room.id for room in team_rooms}

        world_clients = []
        for i, student in enumerate(students):
            _token, secret = create_api_token(student, "chat load bench")
            world_clients.append(
                {"user_id": student.id, "room": room_of_team[teams[i % rooms].id], "token": secret}
            )
        db.session.commit()
        world = {
            "exchange_id": exchange.id,
            "rooms": [room_of_team[t.id] for t in teams],
            "clients": world_clients,
        }
        db.session.remove()
        db.engine.dispose()
    return world


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an EMPTY database")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--out", required=True, help="where to write the world (JSON)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    world = seed(args.database_url, args.clients, args.rooms)
    out = Path(args.out)
    out.write_text(json.dumps(world))
    out.chmod(0o600)
    print(
        f"seeded {len(world['clients'])} students in {len(world['rooms'])} rooms "
        f"in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
