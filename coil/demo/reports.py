"""The demo's reports: the demo institutions' city coordinates (for the travel-emissions
estimate) and the faculty and programme of their courses (for the reports' filters), set where
they are missing. The dashboard reads whatever ledger history the demo has; nothing else is
needed for the coordinators to see figures."""

from __future__ import annotations

from sqlalchemy import select

from coil.courses.models import Course
from coil.extensions import db
from coil.institutions.models import Institution

# (latitude, longitude) of each demo institution's city centre, WGS 84 degrees
COORDINATES: dict[str, tuple[float, float]] = {
    "Hogeschool Amstelland": (52.3676, 4.9041),  # Amsterdam
    "Universidad Tecnológica del Valle": (19.4326, -99.1332),  # Mexico City
    "Universitas Nusantara Surabaya": (-7.2575, 112.7521),  # Surabaya
    "Table Bay University of Technology": (-33.9249, 18.4241),  # Cape Town
    "Harbour City University": (-33.8688, 151.2093),  # Sydney
}


def ensure_coordinates() -> None:
    """Give the demo institutions their coordinates (never overwriting ones set by hand)."""
    institutions = db.session.scalars(select(Institution).where(Institution.name.in_(COORDINATES)))
    for institution in institutions:
        if institution.latitude is None or institution.longitude is None:
            institution.latitude, institution.longitude = COORDINATES[institution.name]
    db.session.flush()


BUSINESS = ("Faculty of Business and Economics", "BBA International Business")
# (institution, course title) -> (faculty, programme)
ORGANISATION: dict[tuple[str, str], tuple[str, str]] = {
    ("Hogeschool Amstelland", "Consumer Behaviour"): BUSINESS,
    ("Hogeschool Amstelland", "International Marketing"): BUSINESS,
    ("Hogeschool Amstelland", "Social Work in a Diverse Society"): (
        "Faculty of Society and Law",
        "BSc Social Work",
    ),
    ("Universidad Tecnológica del Valle", "Consumer Insights"): (
        "Facultad de Negocios",
        "Licenciatura en Mercadotecnia",
    ),
    ("Universidad Tecnológica del Valle", "Global Marketing"): (
        "Facultad de Negocios",
        "Licenciatura en Mercadotecnia",
    ),
}


def ensure_organisation() -> None:
    """Give the demo courses their faculty and programme (never overwriting ones set by hand)."""
    rows = db.session.execute(
        select(Course, Institution.name).join(Institution, Institution.id == Course.institution_id)
    )
    for course, institution in rows:
        found = ORGANISATION.get((institution, course.title))
        if found is not None and course.faculty is None and course.programme is None:
            course.faculty, course.programme = found
    db.session.flush()
