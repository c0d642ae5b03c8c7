"""The dashboard's figures, folded from the participation records (pure: no Flask, no
database), so that the dashboard and the exports can never disagree."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import fmean

from coil.reports.emissions import kg_co2e
from coil.reports.record import Record

#: Participation bins, by ledger events per record: (label, lowest, highest or None).
BINS: tuple[tuple[str, int, int | None], ...] = (
    ("0", 0, 0),
    ("1-9", 1, 9),
    ("10-24", 10, 24),
    ("25-49", 25, 49),
    ("50+", 50, None),
)
COMPLETION = ("complete", "in_progress", "incomplete")


@dataclass(frozen=True)
class Change:
    """One rubric dimension before and after, over the students assessed at both stages."""

    key: str
    students: int
    pre: float
    post: float

    @property
    def change(self) -> float:
        """Return the mean change (post minus pre)."""
        return round(self.post - self.pre, 2)


@dataclass
class Summary:
    """What the dashboard shows about the records in a filter."""

    students: int = 0
    minutes: int = 0
    sessions: int = 0
    messages: int = 0
    cross_replies: int = 0
    by_course: Counter[str] = field(default_factory=Counter)
    completion: Counter[str] = field(default_factory=Counter)
    distribution: Counter[str] = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)
    peer_rated: int = 0
    peer_average: float | None = None
    peer_given: int = 0
    badges: Counter[str] = field(default_factory=Counter)
    travellers: int = 0  # students whose trip could be estimated
    unplaced: int = 0  # students whose or whose partners' coordinates are unknown
    trip_km: float = 0.0
    co2e_kg: float = 0.0
    km_by_band: Counter[str] = field(default_factory=Counter)  # DESNZ band -> return-trip km

    @property
    def hours(self) -> float:
        """Return the synchronous hours (minutes present / 60)."""
        return round(self.minutes / 60, 2)

    @property
    def co2e_tonnes(self) -> float:
        """Return the estimate in tonnes of CO2e, to one decimal."""
        return round(self.co2e_kg / 1000, 1)


def bin_of(events: int) -> str:
    """Return the participation bin of a record with ``events`` ledger events."""
    for label, low, high in BINS:
        if events >= low and (high is None or events <= high):
            return label
    return BINS[0][0]


class Fold:
    """Folds records one at a time into a :class:`Summary` (constant memory per record)."""

    def __init__(self, dimensions: Iterable[str]) -> None:
        self.dimensions = list(dimensions)
        self.summary = Summary()
        self.pre: dict[str, list[float]] = {}
        self.post: dict[str, list[float]] = {}
        self.peer: list[float] = []

    def add(self, record: Record) -> None:
        """Take one record into account."""
        summary = self.summary
        summary.students += 1
        summary.minutes += record.minutes
        summary.sessions += record.sessions
        summary.messages += record.messages
        summary.cross_replies += record.cross_replies
        summary.by_course[record.course] += 1
        summary.completion[record.completion] += 1
        summary.distribution[bin_of(record.events)] += 1
        for key in record.pre.keys() & record.post.keys():
            self.pre.setdefault(key, []).append(record.pre[key])
            self.post.setdefault(key, []).append(record.post[key])
        if record.peer_average is not None:
            self.peer.append(record.peer_average)
        summary.peer_given += record.peer_evaluations_given
        summary.badges.update(record.badges)
        if record.trip_km is None:
            summary.unplaced += 1
        else:
            band = record.trip_band or "international"
            summary.travellers += 1
            summary.trip_km += record.trip_km
            summary.co2e_kg += kg_co2e(record.trip_km, band)
            summary.km_by_band[band] += record.trip_km

    def result(self) -> Summary:
        """Return the summary of the records added."""
        summary, pre, post, peer = self.summary, self.pre, self.post, self.peer
        summary.peer_rated = len(peer)
        summary.peer_average = round(fmean(peer), 2) if peer else None
        summary.changes = [
            Change(key, len(pre[key]), round(fmean(pre[key]), 2), round(fmean(post[key]), 2))
            for key in self.dimensions
            if key in pre
        ]
        return summary


def summarise(records: Iterable[Record], dimensions: Iterable[str]) -> Summary:
    """Fold ``records`` into the dashboard's figures (one pass, constant memory per record)."""
    fold = Fold(dimensions)
    for record in records:
        fold.add(record)
    return fold.result()


def summarise_apart(
    records: Iterable[Record], dimensions: Iterable[str]
) -> tuple[Summary, Summary]:
    """Fold ``records`` in one pass into the scope's own students' figures and the partner
    institutions' students' figures."""
    own, partners = Fold(dimensions), Fold(dimensions)
    for record in records:
        (partners if record.partner else own).add(record)
    return own.result(), partners.result()
