"""The demo's reports: the demo institutions' city coordinates (for the travel-emissions
estimate), set where they are missing. The dashboard reads whatever ledger history the demo
has; nothing else is needed for the coordinators to see figures."""

from __future__ import annotations

from sqlalchemy import select

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
