"""The participation record: one student in one exchange, as every export writes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Record:
    """One student in one exchange: the participation record every export writes."""

    exchange_id: int
    user_id: int
    institution: str
    course: str
    name: str
    email: str
    student_number: str | None
    exchange: str
    start_date: date
    end_date: date
    partners: str
    partner_countries: str
    phases: int
    phases_completed: int
    minutes: int
    sessions: int
    messages: int
    cross_replies: int
    tasks_done: int
    document_versions: int
    reflections: int
    events: int
    course_id: int = 0
    completion: str = "incomplete"  # complete | in_progress | incomplete
    pre: dict[str, float] = field(default_factory=dict)
    post: dict[str, float] = field(default_factory=dict)
    rating: dict[str, float] = field(default_factory=dict)
    peer_average: float | None = None
    peer_evaluations_given: int = 0
    badges: list[str] = field(default_factory=list)
    trip_km: float | None = None  # the return trip this student did not have to make
    trip_band: str | None = None  # its DESNZ band (``emissions.BANDS``)
    partner: bool = False  # a partner institution's student in one of the scope's exchanges

    @property
    def hours(self) -> float:
        """Return the synchronous hours (minutes present / 60)."""
        return round(self.minutes / 60, 2)
