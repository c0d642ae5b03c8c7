"""Time the lecturers' engagement figures on a big ledger: 500 students, 1,000,000 events.

    .venv/bin/python bench/evidence.py [--events 1000000] [--runs 5]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres]

Builds a throw-away database (a SQLite file in a temporary folder, or with ``--database-url``
a new PostgreSQL database ``coil_bench_<random>`` made through that server and dropped
afterwards): migrated with ``flask db upgrade``, then, straight from the models, two
institutions with a lecturer and a course each, one running exchange of six weeks with 500
students (alternately from either course) in 100 published teams of five, and ``--events``
ledger events over those six weeks, bulk inserted through the driver (``executemany`` on
SQLite, ``COPY`` on PostgreSQL). The mix: 70 % messages (a third across institutions), 10 %
speaking turns, 2 % prompt cards, 3 % live-session attendance (with minutes), 5 % tasks, 8 %
document versions, 2 % reflections; a student's share of the events is skewed (some talk a
lot, some little) so the teams are uneven as real ones are.

Then it times every figure the engagement page and the exchange page's summary box read
(``coil.engagement``): the per-student GROUP BY, the per-day GROUP BY of the weekly chart, the
team figures (from the students' sums), and the whole overview with its warnings; each the
median of ``--runs`` runs after one warm-up, in milliseconds. Target: under 300 ms each.
``--extra-index "CREATE INDEX ..."`` tries an index before timing (docs/performance.md).
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from chat_seed import create_database, drop_database

STUDENTS, TEAMS, DAYS = 500, 100, 42
CHUNK = 100_000
TARGET_MS = 300
MIX = (
    ("message.posted", 70),
    ("turn.taken", 10),
    ("card.drawn", 2),
    ("session.attended", 3),
    ("task.completed", 5),
    ("document.saved", 8),
    ("reflection.submitted", 2),
)


def build_world(app: Any) -> dict[str, Any]:
    """Make the exchange, its people and teams; return the ids the events need."""
    from coil.accounts.models import Role, User
    from coil.courses.models import Course
    from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse
    from coil.extensions import db
    from coil.institutions.models import Institution
    from coil.teams.models import Team, TeamMember

    today = datetime.now(UTC).date()
    places = [("NL", "Europe/Amsterdam"), ("MX", "America/Mexico_City")]
    institutions = [
        Institution(
            name=f"Bench {c}",
            country=c,
            city="Bench",
            timezone=tz,
            languages=["en"],
            status="active",
        )
        for c, tz in places
    ]
    db.session.add_all(institutions)
    db.session.flush()

    def person(n: int, role: str, institution: Institution) -> User:
        return User(email=f"bench-{role}-{n}@bench.example", name=f"Bench {role} {n}",
                    password_hash="!bench", role=role, institution=institution,
                    timezone=institution.timezone, active=True)  # fmt: skip

    lecturers = [person(i, Role.LECTURER, inst) for i, inst in enumerate(institutions)]
    db.session.add_all(lecturers)
    db.session.flush()
    courses = [
        Course(institution=lecturer.institution, owner=lecturer, title=f"Bench course {i}",
               first_day=today - timedelta(days=60), last_day=today + timedelta(days=60),
               timezone=lecturer.institution.timezone, status="paired")  # type: ignore[union-attr]
        for i, lecturer in enumerate(lecturers)
    ]  # fmt: skip
    db.session.add_all(courses)
    db.session.flush()
    exchange = Exchange(
        title="Bench exchange",
        status="running",
        start_date=today - timedelta(days=DAYS),
        end_date=today + timedelta(days=7),
        working_language="en",
        min_level="B2",
        teams_published_at=datetime.now(UTC),
    )
    exchange.members = [ExchangeCourse(course=course) for course in courses]
    db.session.add(exchange)
    db.session.flush()
    students = [person(i, Role.STUDENT, institutions[i % 2]) for i in range(STUDENTS)]
    db.session.add_all(students)
    db.session.flush()
    db.session.add_all(
        Enrolment(exchange_id=exchange.id, course_id=courses[i % 2].id, user_id=s.id)
        for i, s in enumerate(students)
    )
    teams = [Team(exchange=exchange, number=t + 1, name=f"Team {t + 1}") for t in range(TEAMS)]
    for i, student in enumerate(students):
        teams[(i // 5) % TEAMS].members.append(TeamMember(user=student))
    db.session.add_all(teams)
    db.session.commit()
    return {
        "exchange_id": exchange.id,
        "start": datetime.combine(exchange.start_date, datetime.min.time(), UTC),
        "students": [
            (s.id, teams[(i // 5) % TEAMS].id, courses[i % 2].id, institutions[i % 2].id)
            for i, s in enumerate(students)
        ],
    }


def events(world: dict[str, Any], count: int, seed: int = 7) -> Any:
    """Yield chunks of event tuples (the ledger's columns but ``id``)."""
    rng = random.Random(seed)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    # a skewed share per student: some talk a lot, some little
    weights = [rng.paretovariate(1.5) for _ in world["students"]]
    start, span = world["start"], DAYS * 86400
    made = 0
    while made < count:
        size = min(CHUNK, count - made)
        who = rng.choices(world["students"], weights=weights, k=size)
        chunk = []
        for user_id, team_id, course_id, institution_id in who:
            kind = rng.choice(kinds)
            at = start + timedelta(seconds=rng.randrange(span))
            session = kind == "session.attended"
            chunk.append((
                world["exchange_id"], user_id, team_id, course_id, institution_id, kind, at,
                rng.randrange(1, 40) if session else rng.randrange(1, 10**6),
                rng.randrange(20, 90) if session else None,
                kind == "message.posted" and rng.random() < 0.33,
            ))  # fmt: skip
        made += size
        yield chunk


COLUMNS = ("exchange_id, actor_id, team_id, course_id, institution_id, kind, occurred_at, "
           "subject_id, value, cross_institution, payload")  # fmt: skip


# a constant statement (no outside input): the column list and placeholders
INSERT = f"INSERT INTO ledger_events ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,'{{}}')"  # noqa: S608


def insert_events(db: Any, world: dict[str, Any], count: int, extra_index: str = "") -> None:
    """Bulk insert ``count`` events through the driver."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        sqlite = db.engine.dialect.name == "sqlite"
        for chunk in events(world, count):
            if sqlite:
                stamp = "%Y-%m-%d %H:%M:%S.%f"
                cursor.executemany(
                    INSERT,
                    [(*row[:6], row[6].strftime(stamp), *row[7:]) for row in chunk],
                )
            else:
                buffer = io.StringIO()
                for row in chunk:
                    value = "\\N" if row[8] is None else row[8]
                    cross = "t" if row[9] else "f"
                    values = [*row[:6], row[6].isoformat(), row[7], value, cross, "{}"]
                    buffer.write("\t".join(str(v) for v in values) + "\n")
                with cursor.copy(f"COPY ledger_events ({COLUMNS}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
        raw.commit()
        if extra_index:
            cursor.execute(extra_index)
            raw.commit()
        if not sqlite:
            cursor.execute("ANALYZE ledger_events")
            raw.commit()
        else:
            cursor.execute("ANALYZE")
            raw.commit()
    finally:
        raw.close()


def timed(run: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Return the median and the largest time of ``runs`` runs (after one warm-up), in ms."""
    run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def portfolio_pdf(app: Any, students: list[Any]) -> Callable[[], Any]:
    """Return a run that gathers and renders the busiest student's portfolio as PDF."""
    from sqlalchemy import select

    from coil.accounts.models import User
    from coil.exchanges.models import Enrolment, Exchange
    from coil.extensions import db

    data = importlib.import_module("coil.portfolio.data")
    pdf = importlib.import_module("coil.portfolio.pdf")
    busiest = max(students, key=lambda s: s.figures.messages)
    user = db.session.get(User, busiest.user_id)
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id))
    exchange = db.session.get(Exchange, enrolment.exchange_id)

    def run() -> bytes:
        with app.test_request_context("/"):
            portfolio = data.portfolio_of(exchange, user, enrolment)
            return pdf.render_pdf(portfolio, "https://bench.example/portfolio")

    return run


def measure(
    url: str, count: int, runs: int, extra_index: str = ""
) -> list[tuple[str, float, float]]:
    """Build the world at ``url`` and time each figure; return (name, median, max) rows."""
    os.environ.setdefault("COIL_ENV", "development")
    from flask_migrate import upgrade

    from coil import create_app
    from coil.engagement import queries
    from coil.engagement.summary import overview
    from coil.exchanges.models import Exchange
    from coil.extensions import db
    from config import normalise_database_url

    app = create_app(SQLALCHEMY_DATABASE_URI=normalise_database_url(url))
    logging.getLogger().setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
        world = build_world(app)
        started = time.perf_counter()
        insert_events(db, world, count, extra_index)
        print(f"  {count:,} events inserted in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)  # fmt: skip
        exchange = db.session.get(Exchange, world["exchange_id"])
        now = datetime.now(UTC)
        students = queries.student_figures(exchange)
        assert len(students) == STUDENTS
        assert sum(s.figures.messages for s in students) > 0
        rows = [
            ("per-student figures (GROUP BY actor)", lambda: queries.student_figures(exchange)),
            ("team figures and Gini (from the sums)",
             lambda: queries.team_figures(exchange, students)),
            ("per-day counts (GROUP BY day, kind)", lambda: queries.daily_counts(exchange)),
            ("whole overview with warnings", lambda: overview(exchange, now)),
        ]  # fmt: skip
        if (Path(queries.__file__).parents[1] / "portfolio").is_dir():
            rows.append(("portfolio PDF of the busiest student", portfolio_pdf(app, students)))
        else:
            print("  portfolio PDF: skipped (no coil.portfolio in this code base)", file=sys.stderr)
        result = [(name, *timed(run, runs)) for name, run in rows]
        db.session.remove()
        db.engine.dispose()
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="a PostgreSQL server to make a database on")
    parser.add_argument(
        "--extra-index", default="", help="a CREATE INDEX statement to try (after the insert)"
    )
    parser.add_argument("--json", action="store_true", help="print the rows as JSON too")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        if args.database_url:
            url = create_database("postgres", Path(folder), args.database_url)
        else:
            url = create_database("sqlite", Path(folder))
        backend = "PostgreSQL" if args.database_url else "SQLite"
        try:
            rows = measure(url, args.events, args.runs, args.extra_index)
        finally:
            drop_database(url, args.database_url or "")
    print(f"\n{backend}, {STUDENTS} students in {TEAMS} teams, {args.events:,} ledger events")
    print(f"{'figure':<42} {'median ms':>10} {'max ms':>8}  target {TARGET_MS} ms")
    for name, median, largest in rows:
        flag = "ok" if median < TARGET_MS else "SLOW"
        print(f"{name:<42} {median:>10.1f} {largest:>8.1f}  {flag}")
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
