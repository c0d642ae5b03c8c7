"""Time the exports on a big ledger: 1,000,000 events, 100,000 participation records.

    .venv/bin/python bench/export.py [--events 1000000] [--records 100000]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres]

Builds a throw-away database (a SQLite file in a temporary folder, or with ``--database-url``
a new PostgreSQL database ``coil_bench_<random>`` made through that server and dropped
afterwards), migrated with ``flask db upgrade``: two institutions (Amsterdam and Mexico City)
with a lecturer each, ``--records / 100`` exchanges of 100 students (50 from each side, each
exchange with a course of each institution) in ten terms of six weeks, and ``--events`` ledger
events spread over the students and their exchange's weeks, bulk inserted through the driver
(``executemany`` on SQLite, ``COPY`` on PostgreSQL). Names carry accents and non-Latin script;
some events carry payloads (self-assessments, badges) as real ones do.

Each export then runs as the real job (``coil.reports.jobs.run_export``: counting, streaming,
progress reports, checksum) in a fresh Python process, one process per export, so that its
peak memory (``ru_maxrss``) is its own. Printed per export: rows, seconds, rows per second, the
process's resident memory before the export (the whole application loaded) and at its peak,
and the difference. Exports, as an administrator (every institution):

- raw ledger as CSV and as JSON Lines, one term (about a tenth of the events) and all of them;
- participation records as XLSX and CSV, all of them (``--records``).

Targets (issue #11): CSV >= 250,000 rows/s; XLSX >= 30,000 rows/s; peak memory < 200 MB and
flat from 100,000 to 1,000,000 rows. ``--only`` runs some exports (e.g. ``ledger-csv-all``).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from chat_seed import create_database, drop_database

PER_EXCHANGE = 100
TERMS, TERM_DAYS, WEEKS = 10, 70, 6
FIRST_DAY = date(2025, 9, 1)
NAMES = ("Ánna Nováková", "Jürgen Øster", "María José Peña", "王秀英", "Ayşe Yılmaz", "Đức Trần",
         "Лена Смирнова", "Søren Ærø", "Nomvula Zulu", "=1+1 Test")  # fmt: skip
CHUNK = 100_000
EXPORTS = {  # name: (kind, format, only the first term?)
    "ledger-csv-term": ("ledger", "csv", True),
    "ledger-csv-all": ("ledger", "csv", False),
    "ledger-jsonl-term": ("ledger", "jsonl", True),
    "ledger-jsonl-all": ("ledger", "jsonl", False),
    "records-xlsx-all": ("records", "xlsx", False),
    "records-csv-all": ("records", "csv", False),
}
TARGETS = {"csv": 250_000, "jsonl": None, "xlsx": 30_000}


def rss_mb() -> float:
    """Return this process's resident memory now, in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def reset_peak() -> None:
    """Start this process's peak resident memory afresh (Linux 4.0+: clear_refs 5)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    """Return this process's peak resident memory since :func:`reset_peak`, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """Return the CPU time this process has used (user and system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def term_days(term: int) -> tuple[date, date]:
    start = FIRST_DAY + timedelta(days=term * TERM_DAYS)
    return start, start + timedelta(weeks=WEEKS)


def app_for(url: str) -> Any:
    os.environ.setdefault("COIL_ENV", "development")
    from coil import create_app
    from config import normalise_database_url

    app = create_app(SQLALCHEMY_DATABASE_URI=normalise_database_url(url), JOBS_QUEUE="memory")
    logging.getLogger().setLevel(logging.WARNING)
    return app


def build_world(records: int) -> dict[str, Any]:
    """Make the institutions, exchanges, courses, students and enrolments; return the
    (exchange, student, course, institution, first day) of every record."""
    from sqlalchemy import insert, select

    from coil.accounts.models import Role, User
    from coil.courses.models import Course
    from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse
    from coil.extensions import db
    from coil.institutions.models import Institution

    places = [("NL", "Amsterdam", "Europe/Amsterdam", 52.37, 4.90),
              ("MX", "Mexico City", "America/Mexico_City", 19.43, -99.13)]  # fmt: skip
    institutions = [
        Institution(name=f"Bench {city}", country=c, city=city, timezone=tz, languages=["en"],
                    status="active", latitude=lat, longitude=lon)
        for c, city, tz, lat, lon in places
    ]  # fmt: skip
    db.session.add_all(institutions)
    db.session.flush()
    lecturers = [
        User(email=f"bench-lecturer-{i}@bench.example", name=f"Lecturer {i}", password_hash="!",
             role=Role.LECTURER, institution=inst, timezone=inst.timezone)
        for i, inst in enumerate(institutions)
    ]  # fmt: skip
    admin = User(email="bench-admin@bench.example", name="Admin", password_hash="!",
                 role=Role.ADMIN)  # fmt: skip
    db.session.add_all([*lecturers, admin])
    db.session.flush()
    exchanges = records // PER_EXCHANGE
    made: list[tuple[int, int, int, date]] = []  # exchange, course NL, course MX, first day
    for n in range(exchanges):
        start, end = term_days(n % TERMS)
        courses = [
            Course(institution=lecturer.institution, owner=lecturer, title=f"Course {n}-{i}",
                   first_day=start, last_day=end, timezone=lecturer.timezone, status="paired")
            for i, lecturer in enumerate(lecturers)
        ]  # fmt: skip
        exchange = Exchange(title=f"Exchange {n} · Intercambio {n} · 交流 {n}", status="running",
                            start_date=start, end_date=end, working_language="en",
                            min_level="B2")  # fmt: skip
        exchange.members = [ExchangeCourse(course=course) for course in courses]
        db.session.add(exchange)
        db.session.flush()
        made.append((exchange.id, courses[0].id, courses[1].id, start))
    students = [
        {"email": f"s{i}@bench.example", "name": f"{NAMES[i % len(NAMES)]} {i}",
         "password_hash": "!", "role": Role.STUDENT,
         "institution_id": institutions[i % 2].id, "timezone": "UTC"}
        for i in range(exchanges * PER_EXCHANGE)
    ]  # fmt: skip
    db.session.execute(insert(User), students)
    ids = list(
        db.session.scalars(select(User.id).where(User.role == Role.STUDENT).order_by(User.id))
    )
    rows, enrolments = [], []
    for i, user_id in enumerate(ids):
        exchange_id, course_nl, course_mx, start = made[i // PER_EXCHANGE]
        course = course_nl if i % 2 == 0 else course_mx
        enrolments.append({"exchange_id": exchange_id, "course_id": course, "user_id": user_id,
                           "student_number": f"S{i:06d}"})  # fmt: skip
        rows.append((exchange_id, user_id, course, institutions[i % 2].id, start))
    db.session.execute(insert(Enrolment), enrolments)
    db.session.commit()
    return {"records": rows, "admin": admin.id}


KINDS = (("message.posted", 70), ("session.attended", 8), ("task.completed", 8),
         ("document.saved", 10), ("reflection.submitted", 2), ("self_assessment.completed", 1),
         ("badge.awarded", 1))  # fmt: skip


def payload(kind: str, rng: random.Random) -> str:
    if kind == "self_assessment.completed":
        stage = rng.choice(("pre", "post"))
        levels = {"curiosity": rng.randint(1, 4), "empathy": rng.randint(1, 4)}
        return json.dumps({"stage": stage, "levels": levels})
    if kind == "badge.awarded":
        return json.dumps({"badge": "Colaborador intercultural · 跨文化", "version": 1})
    return "{}"


def event_chunks(world: dict[str, Any], count: int, seed: int = 11) -> Any:
    """Yield chunks of event tuples (the ledger's columns but ``id``)."""
    rng = random.Random(seed)
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    span = WEEKS * 7 * 86400
    records = world["records"]
    made = 0
    while made < count:
        size = min(CHUNK, count - made)
        chunk = []
        for _ in range(size):
            exchange_id, user_id, course_id, institution_id, start = rng.choice(records)
            kind = rng.choice(kinds)
            at = datetime.combine(start, datetime.min.time(), UTC)
            at += timedelta(seconds=rng.randrange(span))
            session = kind == "session.attended"
            chunk.append((
                exchange_id, user_id, None, course_id, institution_id, kind, at,
                rng.randrange(1, 12) if session else rng.randrange(1, 10**6),
                rng.randrange(20, 90) if session else None,
                kind == "message.posted" and rng.random() < 0.33, payload(kind, rng),
            ))  # fmt: skip
        made += size
        yield chunk


COLUMNS = ("exchange_id, actor_id, team_id, course_id, institution_id, kind, occurred_at, "
           "subject_id, value, cross_institution, payload")  # fmt: skip
# a constant statement (no outside input): the column list and placeholders
INSERT = f"INSERT INTO ledger_events ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)"  # noqa: S608


def insert_events(world: dict[str, Any], count: int) -> None:
    """Bulk insert ``count`` events through the driver."""
    from coil.extensions import db

    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        sqlite = db.engine.dialect.name == "sqlite"
        for chunk in event_chunks(world, count):
            if sqlite:
                stamp = "%Y-%m-%d %H:%M:%S.%f"
                cursor.executemany(
                    INSERT, [(*row[:6], row[6].strftime(stamp), *row[7:]) for row in chunk]
                )
                continue
            buffer = io.StringIO()
            for row in chunk:
                value = "\\N" if row[8] is None else row[8]
                cross = "t" if row[9] else "f"
                text = row[10].replace("\\", "\\\\")
                values = [*row[:2], "\\N", *row[3:6], row[6].isoformat(), row[7], value, cross,
                          text]  # fmt: skip
                buffer.write("\t".join(str(v) for v in values) + "\n")
            with cursor.copy(f"COPY ledger_events ({COLUMNS}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
        raw.commit()
        cursor.execute("ANALYZE" if sqlite else "ANALYZE ledger_events")
        raw.commit()
    finally:
        raw.close()


def prepare(url: str, records: int, events: int) -> dict[str, int]:
    """Build the world and queue one export job per measurement; return their ids by name."""
    from flask_migrate import upgrade

    from coil.extensions import db
    from coil.reports.figures import count_records
    from coil.reports.filters import Filters
    from coil.reports.ledger import count_events
    from coil.reports.models import ExportJob

    app = app_for(url)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        world = build_world(records)
        insert_events(world, events)
        print(f"  {records:,} records and {events:,} events made in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
        start, end = term_days(0)
        jobs = {}
        for name, (kind, fmt, term) in EXPORTS.items():
            filters = Filters(None, date_from=start, date_to=end) if term else Filters(None)
            expected = count_events(filters) if kind == "ledger" else count_records(filters)
            job = ExportJob(requested_by_id=world["admin"], institution_id=None, kind=kind,
                            format=fmt, locale="en", filters=filters.as_dict(),
                            rows_expected=expected)  # fmt: skip
            db.session.add(job)
            db.session.flush()
            jobs[name] = job.id
        db.session.commit()
        db.engine.dispose()
    return jobs


def child(url: str, job_id: int) -> None:
    """Run one export job in this (fresh) process and print what it took, as JSON."""
    from coil.extensions import db
    from coil.reports import jobs
    from coil.reports.models import ExportJob

    app = app_for(url)
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        assert job is not None
        db.session.rollback()
        before = rss_mb()
        reset_peak()
        started, cpu = time.perf_counter(), cpu_seconds()
        jobs.run_export(job_id)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        job = db.session.get(ExportJob, job_id)
        assert job is not None
        assert job.status == "done", (job.status, job.error)
        size = (jobs.file_of(job) or Path()).stat().st_size
        print(json.dumps({"rows": job.rows_done, "seconds": seconds, "cpu": cpu,
                          "before": before, "peak": peak_mb(), "bytes": size}))  # fmt: skip


def measure(url: str, job_id: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(job_id), "--url", url]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", help="a PostgreSQL server to make a database on")
    parser.add_argument("--only", nargs="*", choices=sorted(EXPORTS), help="these exports only")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.url, args.child)
        return
    names = args.only or list(EXPORTS)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["COIL_INSTANCE_PATH"] = folder  # the export files go there, and with it
        if args.database_url:
            url = create_database("postgres", Path(folder), args.database_url)
        else:
            url = create_database("sqlite", Path(folder))
        backend = "PostgreSQL" if args.database_url else "SQLite"
        try:
            jobs = prepare(url, args.records, args.events)
            results = [(name, measure(url, jobs[name])) for name in names]
        finally:
            drop_database(url, args.database_url or "")
    print(f"\n{backend}: {args.records:,} participation records, {args.events:,} ledger events")
    print(
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (shared machine)"
    )
    print(f"{'export':<18} {'rows':>9} {'wall s':>6} {'rows/s':>8} {'CPU s':>6} {'rows/CPU s':>10} "
          f"{'file MB':>7} {'RSS MB':>6} {'peak':>5} {'+':>4}  target")  # fmt: skip
    for name, r in results:
        fmt = EXPORTS[name][1]
        rate, cpu_rate = r["rows"] / r["seconds"], r["rows"] / max(r["cpu"], 1e-9)
        target = TARGETS[fmt]
        verdict = "" if target is None else f"{target:,}/s {'ok' if rate >= target else 'SLOW'}"
        print(f"{name:<18} {r['rows']:>9,} {r['seconds']:>6.1f} {rate:>8,.0f} {r['cpu']:>6.1f} "
              f"{cpu_rate:>10,.0f} {r['bytes'] / 2**20:>7.0f} {r['before']:>6.0f} "
              f"{r['peak']:>5.0f} {r['peak'] - r['before']:>4.0f}  {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
