"""The travel estimate's arithmetic, against distances known by hand."""

from __future__ import annotations

from math import pi

import pytest

from coil.reports import emissions


def test_one_degree_along_the_equator() -> None:
    expected = 2 * pi * emissions.EARTH_RADIUS_KM / 360  # 111.195 km
    assert emissions.great_circle_km((0, 0), (0, 1)) == pytest.approx(expected)


def test_pole_to_pole_is_half_the_circumference() -> None:
    expected = pi * emissions.EARTH_RADIUS_KM
    assert emissions.great_circle_km((90, 0), (-90, 0)) == pytest.approx(expected)


def test_amsterdam_to_jakarta() -> None:
    # published great-circle figures for the two city centres are about 11,330 km
    km = emissions.great_circle_km((52.3676, 4.9041), (-6.2088, 106.8456))
    assert 11_250 < km < 11_400


def test_return_trip_to_the_nearest_partner() -> None:
    home = (0.0, 0.0)
    near, far = (0.0, 1.0), (0.0, 10.0)
    one_degree = emissions.great_circle_km(home, near)
    assert emissions.trip_km(home, [far, near, None]) == pytest.approx(2 * one_degree)
    assert emissions.trip_km(None, [near]) is None
    assert emissions.trip_km(home, [None]) is None
    assert emissions.kg_co2e(1000) == pytest.approx(150.0)
