"""The estimate of travel emissions avoided: pure arithmetic, no Flask.

Method (shown on the dashboard and in docs/architecture.md): for every student who took part,
one return flight between their institution's city and the nearest partner institution's city
of the exchange (the contact a physical mobility would have needed), as great-circle distance
(haversine, mean Earth radius) times a per-passenger-kilometre factor. The factor is the UK
government's greenhouse-gas conversion factors for company reporting, 2024 (Department for
Energy Security and Net Zero, DESNZ, condensed set), business travel by air, long-haul flights,
economy class, kg CO2e per passenger-km **with** radiative forcing (the aviation non-CO2
effects, which DESNZ advises reporters to include). It is an estimate: real trips are longer
than the great circle, some would be short-haul, some by train, and some students would not
have travelled at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088  # the IUGG mean Earth radius
#: DESNZ 2024, long-haul, economy class, kg CO2e per passenger-km, with radiative forcing.
FACTOR_KG_PER_PASSENGER_KM = 0.150
FACTOR_SOURCE = (
    "UK DESNZ greenhouse gas conversion factors for company reporting 2024, "
    "long-haul flight, economy class, with radiative forcing"
)

Point = tuple[float, float]  # (latitude, longitude) in degrees


def great_circle_km(a: Point, b: Point) -> float:
    """Return the great-circle distance between two points in kilometres (haversine)."""
    lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def trip_km(home: Point | None, partners: Iterable[Point | None]) -> float | None:
    """Return the return-trip distance to the nearest partner (None: a place is unknown)."""
    known = [p for p in partners if p is not None]
    if home is None or not known:
        return None
    return 2 * min(great_circle_km(home, p) for p in known)


def kg_co2e(passenger_km: float, factor: float = FACTOR_KG_PER_PASSENGER_KM) -> float:
    """Return the kilograms of CO2e of ``passenger_km`` flown."""
    return passenger_km * factor
