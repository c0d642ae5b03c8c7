"""Benchmark partner matching through the database: SQL pre-filter, cache, ranking.

    .venv/bin/python bench/matching_db.py [--sizes 5000,50000,500000] [--database-url URL]

Fills a database (a new SQLite file by default, or an EMPTY PostgreSQL database given by URL)
with realistic open course profiles from bench/matching.py, then times
``coil.courses.partner_search.find_matches(course, limit=20)`` for several target courses at each
size: cold (the per-process cache of prepared forms emptied first, so every candidate is loaded
from its JSON column) and warm (the steady state of a running server). It prints the median and
the largest time, the SQL pre-filter alone, and how many candidates the pre-filter kept.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time as clock
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching import build_pool, grow

from coil.courses import partner_search
from coil.courses.matching import profile as match_profile
from coil.courses.matching.profile import Prepared

CHUNK = 5000


def _fill(db, profiles: Sequence[Prepared], done: int, seen: set[int]) -> None:
    from coil.accounts.models import User
    from coil.courses.models import Course, CourseLanguage
    from coil.institutions.models import Institution

    now = datetime.now(UTC)
    new = profiles[done:]
    institutions = sorted({p.institution_id for p in new} - seen)
    if institutions:
        country = {p.institution_id: p.country for p in new}
        db.session.execute(
            Institution.__table__.insert(),
            [
                {
                    "id": i,
                    "name": f"Bench University {i}",
                    "country": country[i],
                    "city": "Bench",
                    "timezone": "UTC",
                    "languages": ["en"],
                    "status": "active",
                    "created_at": now,
                }
                for i in institutions
            ],
        )
        db.session.execute(
            User.__table__.insert(),
            [
                {
                    "id": i,
                    "email": f"lecturer{i}@bench.example",
                    "name": f"Lecturer {i}",
                    "password_hash": "!",
                    "role": "lecturer",
                    "institution_id": i,
                    "timezone": "UTC",
                    "active": True,
                    "created_at": now,
                }
                for i in institutions
            ],
        )
        seen.update(institutions)
    for start in range(0, len(new), CHUNK):
        chunk = new[start : start + CHUNK]
        db.session.execute(
            Course.__table__.insert(),
            [
                {
                    "id": p.id,
                    "institution_id": p.institution_id,
                    "owner_id": p.institution_id,
                    "title": f"Course {p.id}",
                    "description": "",
                    "isced_codes": list(p.isced),
                    "eqf_level": p.eqf,
                    "instruction_languages": [],
                    "first_day": p.first_day,
                    "last_day": p.last_day,
                    "blocked_periods": [],
                    "timezone": p.tz or "UTC",
                    "meetings": [],
                    "expected_students": p.students,
                    "exchange_weeks": p.exchange_weeks,
                    "sync_hours_per_week": p.sync_minutes / 60,
                    "preferred_countries": [],
                    "preferred_regions": [],
                    "sdgs": [],
                    "learning_outcomes": "",
                    "outcome_tags": [],
                    "discipline_preference": "any",
                    "status": "open",
                    "prepared": match_profile.dump(p),
                    "version": 1,
                    "updated_at": now,
                    "created_at": now,
                }
                for p in chunk
            ],
        )
        db.session.execute(
            CourseLanguage.__table__.insert(),
            [
                {"course_id": p.id, "language": code, "min_level": match_profile.CEFR_LEVELS[level]}
                for p in chunk
                for code, level in p.languages
            ],
        )
    db.session.commit()


def _time(fn) -> tuple[float, object]:
    started = clock.perf_counter()
    result = fn()
    return (clock.perf_counter() - started) * 1000, result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,50000,500000")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=9, help="target courses timed per size")
    parser.add_argument("--pool", type=int, default=20000, help="distinct generated profiles")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    from flask_migrate import upgrade

    from coil import create_app
    from coil.courses.models import Course
    from coil.extensions import db
    from config import DevelopmentConfig

    folder = Path(tempfile.mkdtemp(prefix="coil-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(folder))
    rng = random.Random(args.seed)
    print(f"database: {url.split('@')[-1]}; seed {args.seed}; limit 20; {args.repeat} targets")
    started = clock.perf_counter()
    pool, _timings = build_pool(rng, min(args.pool, max(sizes)))
    print(
        f"generated and prepared {len(pool):,} profiles in {clock.perf_counter() - started:.1f} s"
    )
    profiles = grow(pool, max(sizes), rng)
    print(
        f"{'open':>9} {'kept':>8} {'sql ms':>8} {'cold med':>9} {'cold max':>9} "
        f"{'warm med':>9} {'warm max':>9}"
    )
    with app.app_context():
        upgrade()
        done, seen = 0, set()
        for size in sizes:
            _fill(db, profiles[:size], done, seen)
            done = size
            targets = [db.session.get(Course, rng.randint(1, size)) for _ in range(args.repeat)]
            sql, kept, cold, warm = [], [], [], []
            for course in targets:
                target = partner_search.prepared(course)
                query = partner_search.candidate_query(target)
                connection = db.session.connection()  # Core, as find_matches runs it
                ms, rows = _time(
                    lambda q=query, c=connection: c.execute(q).all() if q is not None else []
                )
                sql.append(ms)
                kept.append(len(rows))
                partner_search._CACHE.clear()
                cold.append(_time(lambda c=course: partner_search.find_matches(c, limit=20))[0])
                warm.append(_time(lambda c=course: partner_search.find_matches(c, limit=20))[0])
            print(
                f"{size:>9,} {statistics.median(kept):>8,.0f} {statistics.median(sql):>8.1f} "
                f"{statistics.median(cold):>9.1f} {max(cold):>9.1f} "
                f"{statistics.median(warm):>9.1f} {max(warm):>9.1f}"
            )
            db.session.expire_all()


if __name__ == "__main__":
    main()
