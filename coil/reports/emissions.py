"""The estimate of travel emissions avoided: pure arithmetic, no Flask.

Method (shown on the dashboard and in docs/architecture.md): for every student who took part,
one return flight between their institution's city and the nearest partner institution's city
of the exchange (the contact a physical mobility would have needed), as great-circle distance
(haversine, mean Earth radius) times a per-passenger-kilometre factor.

The factors follow the structure of the UK government's greenhouse-gas conversion factors for
company reporting (DESNZ), sheet "Business travel- air": **average passenger** (a student's
cabin class is not known), **with** radiative forcing (the non-CO2 effects of flying, which
DESNZ advises reporters to include), and the row that DESNZ's own haul definitions give the
trip: "Domestic, to/from UK" when both institutions are in the UK; "Short-haul, to/from UK"
or "Long-haul, to/from UK" when one is (3,700 km one way is the divide); otherwise
"International, to/from non-UK", which DESNZ applies to every flight that neither starts nor
ends in the UK, whatever its length.

The values are NOT verified against the published spreadsheet: it could not be retrieved
when they were entered. They are the figures that two independent secondary sources quote for
a recent DESNZ set (one says the 2025 set, the other the 2026 set); the 0.150 used before was
quoted as "2024, long-haul economy" but matches the 2019 long-haul economy factor instead. See
docs/architecture.md ("Travel emissions avoided") for how to check and replace them. It is an
estimate: real trips are longer than the great circle, some would be by train, and some
students would not have travelled at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088  # the IUGG mean Earth radius
UK = "GB"  # ISO 3166 code of the United Kingdom, whose haul definitions DESNZ publishes
SHORT_HAUL_MAX_KM = 3700.0  # DESNZ: flights to/from the UK up to 3,700 km are short-haul

Point = tuple[float, float]  # (latitude, longitude) in degrees


@dataclass(frozen=True)
class Band:
    """One row of DESNZ's "Business travel- air" sheet: average passenger, with RF."""

    key: str
    row: str  # the row's name in the DESNZ sheet
    kg_per_passenger_km: float
    verified: bool = False  # checked against the published spreadsheet


BANDS: dict[str, Band] = {
    band.key: band
    for band in (
        Band("domestic", "Domestic, to/from UK", 0.22928),
        Band("short_haul", "Short-haul, to/from UK", 0.12786),
        Band("long_haul", "Long-haul, to/from UK", 0.15282),
        Band("international", "International, to/from non-UK", 0.14253),
    )
}
FACTOR_SOURCE = (
    "UK DESNZ greenhouse gas conversion factors for company reporting, 'Business travel- air', "
    "average passenger, with radiative forcing (values not verified against the spreadsheet)"
)


def point(latitude: float | None, longitude: float | None) -> Point | None:
    """Return a place's point, or None when either coordinate is unknown."""
    if latitude is None or longitude is None:
        return None
    return (latitude, longitude)


def great_circle_km(a: Point, b: Point) -> float:
    """Return the great-circle distance between two points in kilometres (haversine)."""
    lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def band_of(home_country: str | None, partner_country: str | None, one_way_km: float) -> str:
    """Return the DESNZ band of a flight between two countries over ``one_way_km``."""
    in_uk = (home_country == UK, partner_country == UK)
    if all(in_uk):
        return "domestic"
    if any(in_uk):
        return "short_haul" if one_way_km <= SHORT_HAUL_MAX_KM else "long_haul"
    return "international"


@dataclass(frozen=True)
class Trip:
    """The return trip a student did not have to make, and its DESNZ band."""

    km: float
    band: str

    @property
    def kg_co2e(self) -> float:
        """Return the kilograms of CO2e of the trip."""
        return kg_co2e(self.km, self.band)


def trip(
    home: Point | None,
    home_country: str | None,
    partners: Iterable[tuple[Point | None, str | None]],
) -> Trip | None:
    """Return the return trip to the nearest partner (None: a place is unknown)."""
    known = [(p, country) for p, country in partners if p is not None]
    if home is None or not known:
        return None
    one_way, country = min((great_circle_km(home, p), country) for p, country in known)
    return Trip(2 * one_way, band_of(home_country, country, one_way))


def trip_km(home: Point | None, partners: Iterable[Point | None]) -> float | None:
    """Return the return-trip distance to the nearest partner (None: a place is unknown)."""
    found = trip(home, None, ((p, None) for p in partners))
    return found.km if found is not None else None


def kg_co2e(passenger_km: float, band: str = "international") -> float:
    """Return the kilograms of CO2e of ``passenger_km`` flown in ``band``."""
    return passenger_km * BANDS[band].kg_per_passenger_km
