"""Benchmark team formation: the coil engine, a random-plus-swaps baseline and team-formation.

Usage: .venv/bin/python bench/teams.py [--students 2000 --courses 4 --size 5 --seed 1]

Every plan is scored with coil's own Scorer and checked with check_hard, so the columns compare.
The `team-formation` package (OR-Tools CP-SAT) is tried in a child process with a wall-clock and
memory limit; when it is missing or cannot finish, the table says why.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The path line above must run before this import.
from coil.teams.engine.model import FULL_WEEK, SLOTS_PER_DAY, Settings, Student
from coil.teams.engine.rules import check_hard, meets_language, required_slots, team_sizes
from coil.teams.engine.score import Scorer, evaluate
from coil.teams.engine.search import form_teams

# (country, fixed UTC offset in hours, home languages, class share)
COURSES = [
    ("NL", 1, ("nl",), 0.30),
    ("MX", -6, ("es",), 0.25),
    ("ID", 7, ("id", "jv"), 0.23),
    ("ZA", 2, ("af", "zu", "xh"), 0.22),
]
INTERNATIONAL = ("DE", "BE", "US", "CN", "IN", "NG", "BR", "TR", "FR", "KE")
DISCIPLINES = ("0413 Management", "0288 Languages", "0613 Software", "0731 Architecture", "0311")
ENGLISH = (("A2", 0.03), ("B1", 0.07), ("B2", 0.35), ("C1", 0.38), ("C2", 0.17))
EXTRA_LANGUAGES = ("fr", "de", "pt", "zh", "ar")


def make_cohort(n: int, n_courses: int, seed: int) -> tuple[list[Student], list[int]]:
    """Generate a cohort of ``n`` students in ``n_courses`` courses in different time zones."""
    rng = random.Random(seed)
    specs = COURSES[:n_courses]
    total_share = sum(spec[3] for spec in specs)
    sizes = [round(n * spec[3] / total_share) for spec in specs]
    sizes[0] += n - sum(sizes)
    students: list[Student] = []
    sid = 0
    for course_id, ((country, offset, home, _), size) in enumerate(zip(specs, sizes, strict=True)):
        for _ in range(size):
            sid += 1
            english = rng.choices([lv for lv, _ in ENGLISH], [w for _, w in ENGLISH])[0]
            languages = {"en": english, rng.choice(home): "C2"}
            if rng.random() < 0.3:
                languages[rng.choice(EXTRA_LANGUAGES)] = rng.choice(("A2", "B1", "B2"))
            students.append(
                Student(
                    id=sid,
                    course_id=course_id + 1,
                    country=country if rng.random() < 0.85 else rng.choice(INTERNATIONAL),
                    languages=languages,
                    availability=_availability(rng, offset),
                    discipline=rng.choice(DISCIPLINES),
                    attributes={"gender": rng.choice("fmfmx"[: 4 + (rng.random() < 0.05)])},
                    pre_assessment=round(rng.uniform(1, 5), 1) if rng.random() < 0.8 else None,
                )
            )
    # Some students worked together in an earlier module of their own course.
    by_course: dict[int, list[int]] = {}
    for s in students:
        by_course.setdefault(s.course_id, []).append(s.id)
    prev: dict[int, set[int]] = {s.id: set() for s in students}
    for ids in by_course.values():
        for _ in range(len(ids) // 2):
            a, b = rng.sample(ids, 2)
            prev[a].add(b)
            prev[b].add(a)
    students = [replace(s, previous_teammates=frozenset(prev[s.id])) for s in students]
    return students, list(range(1, n_courses + 1))


def _availability(rng: random.Random, offset: int) -> int:
    # Local daytime windows on weekdays (and sometimes Saturday), moved to UTC by a fixed offset.
    # Every student also keeps one weekday's joint session (13:00 to 15:00 UTC) free, as the
    # partner lecturers ask: without it some would share no hour with all four time zones.
    days = [day for day in range(6) if rng.random() < (0.85 if day < 5 else 0.3)]
    session_day = rng.randrange(5)
    mask = 0
    for day in sorted(set(days) | {session_day}):
        start = rng.choice((7, 8, 9, 10)) if day < 5 else 10
        end = rng.choice((18, 19, 20, 21, 22, 23)) if day < 5 else 16
        if day == session_day:
            start, end = min(start, 13 + offset), max(end, 15 + offset)
        for slot in range(start * 4, end * 4):
            utc_slot = (day * SLOTS_PER_DAY + slot - offset * 4) % (7 * SLOTS_PER_DAY)
            mask |= 1 << utc_slot
    return mask & FULL_WEEK


def make_tight_cohort(n: int, seed: int) -> tuple[list[Student], list[int]]:
    """Generate two courses, Cape Town (UTC+2) and Surabaya (UTC+7), with narrow free windows.

    Each student is free on 2 or 3 weekdays for 2 to 4 hours, starting 8:00 to 10:00 in Cape Town
    and 12:00 to 14:00 in Surabaya: the classes overlap by an hour or two on some days, which is
    where the repair sometimes fails (the tracker's cohort is of this kind).
    """
    rng = random.Random(seed)
    students = []
    for sid in range(1, n + 1):
        course = 1 if sid <= n // 2 else 2
        offset, starts = (2, (8, 9, 10)) if course == 1 else (7, (12, 13, 14))
        mask = 0
        for day in rng.sample(range(5), rng.choice((2, 3))):
            start = rng.choice(starts)
            for slot in range(start * 4, (start + rng.choice((2, 3, 4))) * 4):
                mask |= 1 << ((day * SLOTS_PER_DAY + slot - offset * 4) % (7 * SLOTS_PER_DAY))
        country = "ZA" if course == 1 else "ID"
        students.append(Student(sid, course, country, {"en": "B2"}, mask))
    return students, [1, 2]


def fallback(args: argparse.Namespace) -> None:
    """Run many tight cohorts and count how often the exact search runs, and what it says."""
    print(
        f"Tight cohorts: Cape Town and Surabaya, teams of 4, budget {args.budget:g} s, "
        f"seeds 0 to {args.tight - 1} (the exact search runs where the repair fails)"
    )
    print(
        f"{'students':>8}{'hours':>7}{'cohorts':>9}{'repair ok':>11}{'exact':>7}"
        f"{'found':>7}{'no plan':>9}{'in time?':>10}{'exact s':>16}{'max s':>7}{'viol.':>7}"
    )
    worst_violations = 0
    for n, hours, count in ((20, 1.0, args.tight), (80, 2.0, args.tight // 4), (320, 3.0, 10)):
        settings = Settings(team_size=4, min_shared_hours=hours)
        tally: Counter[str] = Counter()
        exact_seconds: list[float] = []
        longest = 0.0
        violations = 0
        for seed in range(count):
            students, courses = make_tight_cohort(n, seed)
            started = time.perf_counter()
            result = form_teams(
                students, courses, replace(settings, seed=seed), time_budget=args.budget
            )
            longest = max(longest, time.perf_counter() - started)
            status = str(result.stats.get("exact", "")) if result.stats else "precheck"
            tally[status or "repair ok"] += 1
            if status in ("found", "infeasible", "unknown"):
                exact_seconds.append(float(result.stats["exact_seconds"]))
            if result.teams:
                violations += len(check_hard(result.teams, students, courses, settings))
        ran = len(exact_seconds)
        timing = (
            f"{sum(exact_seconds) / ran:.2f} / {max(exact_seconds):.2f}" if exact_seconds else "-"
        )
        print(
            f"{n:>8}{hours:>7g}{count:>9}{tally['repair ok']:>11}{ran:>7}{tally['found']:>7}"
            f"{tally['infeasible']:>9}{tally['unknown']:>10}{timing:>16}{longest:>7.2f}"
            f"{violations:>7}"
        )
        worst_violations = max(worst_violations, violations)
    print(
        "(exact: cohorts handed to the exact search; found: a plan it found; no plan: proved "
        "infeasible; in time?: unknown when the budget ran out; exact s: mean / max; the rest "
        "were stopped by a precheck that proves no plan exists)"
    )
    print()
    if worst_violations:
        print("error: a plan after the exact search breaks hard constraints", file=sys.stderr)
        sys.exit(1)


@dataclass
class Row:
    method: str
    seconds: float
    worst: float | None
    mean: float | None
    violations: int | None
    note: str = ""


def run_coil(students: list[Student], courses: list[int], settings: Settings, budget: float) -> Row:
    """Run the coil engine and score its plan."""
    started = time.perf_counter()
    result = form_teams(students, courses, settings, time_budget=budget)
    seconds = time.perf_counter() - started
    if not result.teams:
        reasons = ", ".join(sorted({item.constraint for item in result.infeasible}))
        return Row("coil form_teams", seconds, None, None, None, f"infeasible: {reasons}")
    iterations = int(result.stats["iterations"])
    note = f"{len(result.teams)} teams, {iterations} iterations"
    return Row("coil form_teams", seconds, result.worst, result.mean, len(result.violations), note)


def run_baseline(
    students: list[Student], courses: list[int], settings: Settings, budget: float
) -> Row:
    """Deal students round-robin by course at random, then apply random improving swaps."""
    started = time.perf_counter()
    rng = random.Random(settings.seed)
    sizes = team_sizes(len(students), settings.team_size) or [len(students)]
    order = sorted(students, key=lambda s: (s.course_id, rng.random()))
    teams: list[list[int]] = [[] for _ in sizes]
    # Dealing course by course round the table spreads every course over the teams.
    cursor = 0
    for s in order:
        while len(teams[cursor % len(sizes)]) >= sizes[cursor % len(sizes)]:
            cursor += 1
        teams[cursor % len(sizes)].append(s.id)
        cursor += 1
    scorer = Scorer(students, settings)
    by_id = {s.id: s for s in students}
    need = required_slots(settings)
    counts = Counter(s.course_id for s in students)

    def broken(team: Sequence[int]) -> int:
        shared = FULL_WEEK
        for sid in team:
            shared &= by_id[sid].availability
        have = Counter(by_id[sid].course_id for sid in team)
        minimum = {c: 2 if counts[c] >= 2 * len(teams) else 1 for c in courses}
        missing = sum(1 for c in courses if have.get(c, 0) < minimum[c])
        return missing + (shared.bit_count() < need)

    scores = [scorer.score(team) for team in teams]
    deadline = started + budget
    swaps = 0
    while time.perf_counter() < deadline:
        a, b = rng.randrange(len(teams)), rng.randrange(len(teams))
        if a == b:
            continue
        i, j = rng.randrange(len(teams[a])), rng.randrange(len(teams[b]))
        new_a, new_b = list(teams[a]), list(teams[b])
        new_a[i], new_b[j] = teams[b][j], teams[a][i]
        if broken(new_a) + broken(new_b) > broken(teams[a]) + broken(teams[b]):
            continue
        sa, sb = scorer.score(new_a), scorer.score(new_b)
        if sa + sb > scores[a] + scores[b]:
            teams[a], teams[b], scores[a], scores[b] = new_a, new_b, sa, sb
            swaps += 1
    seconds = time.perf_counter() - started
    result = evaluate(teams, students, courses, settings, scorer=scorer)
    return Row(
        "random + swaps",
        seconds,
        result.worst,
        result.mean,
        len(result.violations),
        f"{swaps} accepted swaps",
    )


def _team_formation_child(
    students: list[Student], settings: Settings, budget: float, out: mp.Queue[object]
) -> None:
    # Cap memory so a model too large for the machine fails here, not in the whole session.
    limit = 6 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # The package prints its own warnings; the table says what happened.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the child)
    try:
        import pandas as pd
        from team_formation.team_assignment import TeamAssignment
    except ImportError as exc:
        out.put(("error", f"not installed ({exc.name})"))
        return
    started = time.perf_counter()
    # Shared time becomes a multi-valued "cluster" attribute of 2-hour UTC blocks the student has
    # free in full: CP-SAT then rewards teams whose members share one block. It is a soft goal;
    # course presence is "diversify" (proportional counts), also soft; the rest has no equivalent.
    rows = []
    for s in students:
        blocks = [
            f"d{b // 12}h{(b % 12) * 2:02d}"
            for b in range(7 * 12)
            if (s.availability >> (b * 8)) & 0xFF == 0xFF
        ]
        rows.append([s.id, f"c{s.course_id}", s.country, s.discipline or "-", blocks or ["none"]])
    participants = pd.DataFrame(
        rows, columns=["id", "course", "country", "discipline", "working_time"]
    )
    constraints = pd.DataFrame(
        [
            ["course", "diversify", 3],
            ["country", "diversify", 1],
            ["discipline", "diversify", 1],
            ["working_time", "cluster", 3],
        ],
        columns=["attribute", "type", "weight"],
    )
    try:
        assignment = TeamAssignment(participants, constraints, settings.team_size)
        built = time.perf_counter() - started
        out.put(("built", built))
        assignment.solve(max_time_in_seconds=budget)
    except (MemoryError, ValueError) as exc:
        out.put(("error", f"{type(exc).__name__}: {exc}"))
        return
    if not assignment.solution_found:
        out.put(("error", f"no solution within {budget:g} s of solving"))
        return
    teams: dict[int, list[int]] = {}
    for sid, team in zip(participants["id"], participants["team_num"], strict=True):
        teams.setdefault(int(team), []).append(int(sid))
    out.put(("teams", [teams[t] for t in sorted(teams)], time.perf_counter() - started - built))


def run_team_formation(
    students: list[Student],
    courses: list[int],
    settings: Settings,
    budget: float,
    timeout: float,
) -> Row:
    """Run team-formation (CP-SAT) on the same cohort with the same solve budget."""
    ctx = mp.get_context("fork")
    out: mp.Queue[object] = ctx.Queue()
    child = ctx.Process(target=_team_formation_child, args=(students, settings, budget, out))
    started = time.perf_counter()
    child.start()
    built: float | None = None
    teams: list[list[int]] | None = None
    note = ""
    while True:
        remaining = timeout - (time.perf_counter() - started)
        try:
            message = out.get(timeout=max(0.1, remaining))
        except queue.Empty:
            note = f"gave up after {timeout:g} s " + (
                "of solving" if built is not None else "building the CP-SAT model"
            )
            break
        assert isinstance(message, tuple)
        if message[0] == "built":
            built = message[1]
            continue
        if message[0] == "error":
            note = str(message[1])
        else:
            teams, solve_seconds = message[1], message[2]
            note = f"model built in {built:.1f} s, solved in {solve_seconds:.1f} s"
        break
    if child.is_alive():
        child.terminate()
    child.join(5)
    if child.exitcode not in (0, None) and teams is None and not note:
        note = f"child exited with code {child.exitcode}"
    seconds = time.perf_counter() - started
    if teams is None:
        return Row("team-formation", seconds, None, None, None, note)
    result = evaluate(teams, students, courses, settings)
    return Row("team-formation", seconds, result.worst, result.mean, len(result.violations), note)


def print_table(title: str, rows: list[Row]) -> None:
    """Print the rows as a fixed-width table."""
    print(title)
    print(f"{'method':<20}{'seconds':>9}{'worst':>9}{'mean':>9}{'hard viol.':>12}  note")
    for r in rows:
        worst = f"{r.worst:.1f}" if r.worst is not None else "-"
        mean = f"{r.mean:.1f}" if r.mean is not None else "-"
        viol = str(r.violations) if r.violations is not None else "-"
        print(f"{r.method:<20}{r.seconds:>9.2f}{worst:>9}{mean:>9}{viol:>12}  {r.note}")
    print()


def compare(args: argparse.Namespace, n_students: int, generous: bool) -> None:
    """Generate one cohort and run the three methods on it."""
    students, courses = make_cohort(n_students, args.courses, args.seed)
    settings = Settings(
        team_size=args.size,
        working_language="en",
        min_level="B1",
        min_shared_hours=args.hours,
        weights={
            "countries": 2.0,
            "languages": 1.0,
            "disciplines": 1.0,
            "attributes:gender": 1.0,
            "pre_assessment": 1.0,
            "previous_teammates": 2.0,
        },
        seed=args.seed,
    )
    eligible = [s for s in students if meets_language(s, "en", settings.min_level)]
    title = (
        f"{n_students} students, {args.courses} courses, teams of {args.size}, "
        f">= {args.hours:g} shared h/week, budget {args.budget:g} s, seed {args.seed} "
        f"({n_students - len(eligible)} below English {settings.min_level}, left out of all)"
    )
    rows = [
        run_coil(students, courses, settings, args.budget),
        run_baseline(eligible, courses, settings, args.budget),
    ]
    if args.no_team_formation:
        rows.append(Row("team-formation", 0.0, None, None, None, "skipped (--no-team-formation)"))
    else:
        rows.append(run_team_formation(eligible, courses, settings, args.budget, args.tf_timeout))
        if generous:
            # Same cohort, ten times the solve time: does CP-SAT get there given longer?
            row = run_team_formation(
                eligible, courses, settings, 10 * args.budget, args.tf_timeout + 10 * args.budget
            )
            row.method = f"team-formation {10 * args.budget:g}s"
            rows.append(row)
    print_table(title, rows)
    if rows[0].violations:
        print("error: the coil plan breaks hard constraints", file=sys.stderr)
        sys.exit(1)


def main() -> None:
    """Parse the arguments and run the comparisons."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--courses", type=int, default=4, choices=(2, 3, 4))
    parser.add_argument("--size", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hours", type=float, default=1.0, help="minimum shared hours a week")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per method")
    parser.add_argument("--small", type=int, default=150, help="second, smaller cohort (0: none)")
    parser.add_argument("--tf-timeout", type=float, default=30.0, help="seconds, build included")
    parser.add_argument("--no-team-formation", action="store_true")
    parser.add_argument("--tight", type=int, default=200, help="tight cohorts of 20 (0: none)")
    args = parser.parse_args()
    compare(args, args.students, generous=False)
    if args.small and args.small < args.students:
        compare(args, args.small, generous=True)
    if args.tight:
        fallback(args)


if __name__ == "__main__":
    main()
