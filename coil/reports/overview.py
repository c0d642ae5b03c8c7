"""The dashboard: the exchanges and partners in a filter, and the summary of its records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from coil.courses.models import Course
from coil.exchanges.models import Enrolment
from coil.extensions import db
from coil.institutions.models import Institution
from coil.reports.figures import (
    Filters,
    dimension_keys,
    exchange_rows,
    exchanges_in,
    members_of,
    records,
)
from coil.reports.summary import Summary, summarise_apart


@dataclass
class Overview:
    """Everything the dashboard shows for one filter."""

    exchanges: list[Any]
    statuses: Counter[str]
    partners: list[tuple[str, str]]  # (name, country), sorted by name
    partner_countries: Counter[str]  # country -> partner institutions
    students_by_country: Counter[str]  # every active student of the exchanges, by country
    dimensions: list[str]
    summary: Summary = field(default_factory=Summary)  # the scope's own students
    partner_summary: Summary = field(default_factory=Summary)  # partners' students, same exchanges


def overview(filters: Filters) -> Overview:
    """Return the dashboard's figures for ``filters``."""
    exchanges = exchange_rows(filters)
    ids = [row.id for row in exchanges]
    partners: dict[int, tuple[str, str]] = {}
    for members in members_of(ids).values():
        for institution_id, name, country, *_place in members:
            if institution_id != filters.institution_id:
                partners[institution_id] = (name, country)
    in_filter = select(exchanges_in(filters).subquery().c.id)
    by_country = db.session.execute(
        select(Institution.country, func.count())
        .select_from(Enrolment)
        .join(Course, Course.id == Enrolment.course_id)
        .join(Institution, Institution.id == Course.institution_id)
        .where(Enrolment.exchange_id.in_(in_filter), Enrolment.status == "active")
        .group_by(Institution.country)
    )
    dimensions = dimension_keys(filters)
    own, partner = summarise_apart(records(filters), dimensions)
    return Overview(
        exchanges=exchanges,
        statuses=Counter(row.status for row in exchanges),
        partners=sorted(partners.values()),
        partner_countries=Counter(country for _name, country in partners.values()),
        students_by_country=Counter(dict(by_country.all())),
        dimensions=dimensions,
        summary=own,
        partner_summary=partner,
    )
