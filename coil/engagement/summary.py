"""One exchange's engagement at a moment: figures, teams and early warnings, read together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from coil.engagement import queries
from coil.engagement.models import DEFAULT_INACTIVITY_DAYS, EngagementSetting
from coil.engagement.queries import Student, TeamFigures
from coil.engagement.warnings import Warning, ordered, student_warnings, team_warnings
from coil.exchanges.models import Exchange
from coil.extensions import db


@dataclass
class Overview:
    """What the engagement page, its summary box and the digest show of one exchange."""

    exchange: Exchange
    days: int
    students: list[Student]
    teams: list[TeamFigures]
    warnings: list[Warning]


def inactivity_days(exchange: Exchange) -> int:
    """Return after how many quiet days the exchange flags a student (default 7)."""
    days = db.session.scalar(
        select(EngagementSetting.inactivity_days).where(
            EngagementSetting.exchange_id == exchange.id
        )
    )
    return days or DEFAULT_INACTIVITY_DAYS


def overview(exchange: Exchange, now: datetime) -> Overview:
    """Read the exchange's figures and derive its warnings as of ``now``."""
    days = inactivity_days(exchange)
    students = queries.student_figures(exchange)
    teams = queries.team_figures(exchange, students)
    found = student_warnings(students, now=now, started=exchange.start_date, days=days)
    found += team_warnings(teams, now=now, started=exchange.start_date, days=days)
    return Overview(exchange, days, students, teams, ordered(found))
