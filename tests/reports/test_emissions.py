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
    assert emissions.point(None, 4.9) is None and emissions.point(52.4, 4.9) == (52.4, 4.9)


def test_the_desnz_row_follows_its_haul_definitions() -> None:
    london, paris, edinburgh = (51.5074, -0.1278), (48.8566, 2.3522), (55.9533, -3.1883)
    amsterdam, jakarta = (52.3676, 4.9041), (-6.2088, 106.8456)
    # both ends in the UK: domestic; one end: short- or long-haul by distance (3,700 km)
    assert emissions.trip(london, "GB", [(edinburgh, "GB")]).band == "domestic"
    assert emissions.trip(london, "GB", [(paris, "FR")]).band == "short_haul"
    assert emissions.trip(jakarta, "ID", [(london, "GB")]).band == "long_haul"
    # neither end in the UK: "International, to/from non-UK", however short or long
    assert emissions.trip(amsterdam, "NL", [(paris, "FR")]).band == "international"
    assert emissions.trip(amsterdam, "NL", [(jakarta, "ID")]).band == "international"
    # the nearest partner decides the band too
    nearest = emissions.trip(paris, "FR", [(jakarta, "ID"), (london, "GB")])
    assert nearest is not None and nearest.band == "short_haul"
    assert nearest.km == pytest.approx(2 * emissions.great_circle_km(paris, london))
    assert nearest.kg_co2e == pytest.approx(nearest.km * 0.12786)
    assert emissions.trip(None, "NL", [(paris, "FR")]) is None


def test_factors_are_average_passenger_with_rf_and_say_they_are_unverified() -> None:
    rows = {key: band.row for key, band in emissions.BANDS.items()}
    assert rows["international"] == "International, to/from non-UK"
    assert emissions.kg_co2e(1000) == pytest.approx(142.53)  # international by default
    assert emissions.kg_co2e(1000, "long_haul") == pytest.approx(152.82)
    assert not any(band.verified for band in emissions.BANDS.values())
    assert "not verified" in emissions.FACTOR_SOURCE
