"""The portfolio's parts that come from the domains above the ledger: rubric assessment (self
pre/post and lecturers' ratings per dimension, the peer-evaluation aggregate) and badges.

Each part is plain data, shown by the page and the HTML export (templates/portfolio/_body.html)
and by the PDF (pdf.py), so all three say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale

from coil.accounts.models import User
from coil.assessment import catme
from coil.assessment import queries as assessment
from coil.credentials.queries import awards_of_student
from coil.exchanges.models import Exchange
from coil.rubrics.services import rubric_of
from coil.rubrics.text import localised


@dataclass(frozen=True)
class RubricRow:
    """One rubric dimension: the student's own levels before and after, and lecturers' levels."""

    name: str
    pre: int | None
    post: int | None
    ratings: list[int]

    @property
    def change(self) -> int | None:
        """Return the change from the first self-assessment to the last, when both exist."""
        return None if self.pre is None or self.post is None else self.post - self.pre


@dataclass(frozen=True)
class Evidence:
    """What the assessment and credentials domains hold about one student in one exchange."""

    rubric: list[RubricRow]
    raters: list[str]  # one name per lecturer rating, in the order of ``RubricRow.ratings``
    peers: int  # how many teammates evaluated the student
    peer_means: list[tuple[Any, float]]  # (teamwork dimension, mean) when shown
    peer_overall: float | None
    badges: list[tuple[str, Any]]  # (badge name, awarded at), revoked ones left out


def evidence_of(exchange: Exchange, student: User) -> Evidence:
    """Gather the assessment and badges of ``student`` in ``exchange``."""
    locale = str(get_locale() or "en")
    done = assessment.self_assessments(exchange, student)
    ratings = assessment.ratings_of(exchange, student)
    rows = []
    for dimension in rubric_of(exchange).dimensions:
        key = dimension.key
        rows.append(
            RubricRow(
                name=localised(dimension.name, locale),
                pre=done["pre"].levels.get(key) if "pre" in done else None,
                post=done["post"].levels.get(key) if "post" in done else None,
                ratings=[r.levels[key] for r in ratings if key in r.levels],
            )
        )
    peers = assessment.peer_aggregate(exchange, student)
    names = {d.key: d.name for d in catme.DIMENSIONS}
    badges = [
        (award.version.name, award.awarded_at)
        for award in awards_of_student(student.id)
        if award.exchange_id == exchange.id and award.revoked_at is None
    ]
    return Evidence(
        rubric=rows,
        raters=[r.rater.name if r.rater else "" for r in ratings],
        peers=peers.raters,
        peer_means=[(names.get(k, k), v) for k, v in peers.means.items()],
        peer_overall=peers.overall,
        badges=badges,
    )
