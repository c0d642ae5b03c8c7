"""Time what pseudonymising partner students adds to an export, per row.

    .venv/bin/python bench/privacy.py [--rows 1000000] [--per-exchange 40] [--runs 3]

No database: ``--rows`` participation records (``coil.reports.record.Record``) are made in
memory, ``--per-exchange`` per exchange, every other one a partner institution's student, in
the order ``figures.records`` reads them (per exchange, own students first). Each run passes
them through ``privacy.mask`` (an HMAC-SHA256 pseudonym per partner row, each exchange's
partner rows held and sorted) with the exchanges' "shares identities" answers known in
advance (in the application one query per exchange reads them), and, for comparison, through
a plain loop that only counts them. Prints the median rows per second of each, the time the
masking adds per million rows, and the peak memory (RSS) of the process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask

from coil.reports.privacy import Masker, mask
from coil.reports.record import Record

DAY = date(2027, 3, 1)


def made(rows: int, per_exchange: int) -> Iterator[Record]:
    """Yield ``rows`` records, ``per_exchange`` per exchange, own students first."""
    for n in range(rows):
        exchange, place = divmod(n, per_exchange)
        yield Record(
            exchange_id=exchange + 1,
            user_id=n + 1,
            institution="Bench",
            course="Bench course",
            name=f"Student {n}",
            email=f"s{n}@bench.example",
            student_number=None,
            exchange="Bench exchange",
            start_date=DAY,
            end_date=DAY,
            partners="",
            partner_countries="",
            phases=2,
            phases_completed=1,
            minutes=60,
            sessions=1,
            messages=3,
            cross_replies=1,
            tasks_done=1,
            document_versions=1,
            reflections=1,
            events=8,
            partner=place >= per_exchange // 2,
        )


def timed(rows: int, per_exchange: int, masked: bool) -> float:
    """Return the rows per second of one pass."""
    source = made(rows, per_exchange)
    if masked:
        masker = Masker()
        masker.shared = {x: False for x in range(1, rows // per_exchange + 2)}
        source = mask(source, masker)
    start = time.perf_counter()
    count = sum(1 for _ in source)
    assert count == rows
    return rows / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--per-exchange", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = Flask("bench")
    app.config["SECRET_KEY"] = "bench-" * 8
    with app.app_context():
        plain = statistics.median(
            timed(args.rows, args.per_exchange, False) for _ in range(args.runs)
        )
        masked = statistics.median(
            timed(args.rows, args.per_exchange, True) for _ in range(args.runs)
        )
    added = (args.rows / masked - args.rows / plain) / args.rows * 1_000_000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows {args.rows:,}, {args.per_exchange} per exchange, half of them partners")
    print(f"records made, not masked: {plain:>12,.0f} rows/s")
    print(f"records made and masked:  {masked:>12,.0f} rows/s")
    print(f"masking adds {added:.2f} s per million rows; peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
