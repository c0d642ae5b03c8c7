"""UN M49 regions: the table against CLDR, region lookups, and the preferred-region choices."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from babel import Locale

from coil.core import regions
from coil.core.reference import country_names, is_country
from coil.core.regions import (
    REGIONS,
    _read_m49,
    is_iso_country,
    region_choices,
    region_of,
)
from coil.courses.matching.profile import CourseProfile, prepare
from coil.courses.matching.rank import GEO_PREFERRED_REGION, rank

# CLDR territories with two-letter codes that are no ISO 3166-1 country: reserved and
# exceptionally reserved codes, groupings and the unknown region.
NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}


def cldr_codes() -> set[str]:
    return {code for code in Locale.parse("en").territories if len(code) == 2 and code.isalpha()}


def test_table_matches_cldr_countries() -> None:
    assert cldr_codes() - NOT_COUNTRIES == set(REGIONS)
    assert len(REGIONS) == 250  # 249 ISO 3166-1 countries and Kosovo


@pytest.mark.parametrize("code", ["NL", "MX", "ID", "ZA", "AU", "JP", "BR", "KE", "XK", "AQ"])
def test_countries_present(code: str) -> None:
    assert is_iso_country(code)
    assert is_country(code)
    assert code in country_names("en")


@pytest.mark.parametrize("code", [*sorted(NOT_COUNTRIES), "XX", "", "nl", "NLD"])
def test_non_countries_absent(code: str) -> None:
    assert not is_iso_country(code)
    assert not is_country(code)
    assert code not in country_names("en")
    assert code not in country_names("de")


def test_region_of() -> None:
    assert region_of("NL") == "Europe"
    assert region_of("KE") == "Africa"
    assert region_of("BR") == "Americas"
    assert region_of("ID") == "Asia"
    assert REGIONS["BR"].keys == {
        "019",
        "Americas",
        "419",
        "Latin America and the Caribbean",
        "005",
        "South America",
    }
    with pytest.raises(ValueError, match="unknown country code 'EU'"):
        region_of("EU")


def test_region_choices_are_regions_then_their_sub_regions() -> None:
    choices = region_choices()
    assert choices[:3] == [
        ("002", "Africa"),
        ("015", "Northern Africa"),
        ("202", "Sub-Saharan Africa"),
    ]
    assert ("150", "Europe") in choices
    assert ("155", "Western Europe") in choices
    keys = [key for key, _ in choices]
    assert len(keys) == len(set(keys)) == 22  # 5 regions, 17 sub-regions
    assert "010" not in keys  # Antarctica is in no M49 region
    assert "029" not in keys  # intermediate regions (the Caribbean) are not offered


@pytest.mark.parametrize(("key", "name"), region_choices())
def test_region_choices_are_accepted_as_preferred_regions(key: str, name: str) -> None:
    members = sorted(country for country, info in REGIONS.items() if key in info.keys)
    assert members
    assert all(name in REGIONS[country].keys for country in members)

    def course(id: int, country: str, preferred: frozenset[str] = frozenset()) -> CourseProfile:
        return CourseProfile(
            id=id,
            institution_id=id,
            country=country,
            isced=("0413",),
            eqf_level=6,
            working_languages=(("en", "B2"),),
            first_day=date(2025, 3, 3),
            last_day=date(2025, 4, 11),
            sync_hours_per_week=0,
            preferred_regions=preferred,
        )

    target = prepare(course(1, "NL", frozenset({key})))
    (match,) = rank(target, [prepare(course(2, members[0]))])
    assert match.components["geo"] == GEO_PREFERRED_REGION
    assert match.reasons[-1].params["preferred"] == "region"


def test_bad_rows_stop_the_import(tmp_path: Path) -> None:
    header = "country,region_code,region,sub_region_code,sub_region,intermediate_region_code,"
    header += "intermediate_region\n"
    good = "NL,150,Europe,155,Western Europe,,\n"
    data = tmp_path / "m49.csv"
    data.write_text(header + good)
    assert _read_m49(data) == {"NL": (("150", "Europe"), ("155", "Western Europe"))}
    for bad in (
        good,
        "nl,150,Europe,,,,\n",
        "BE,150,Europe,,,155,Western Europe\n",
        "BE,15,X,,,,\n",
    ):
        data.write_text(header + good + bad)
        with pytest.raises(ValueError, match=r"m49\.csv, line 3"):
            _read_m49(data)


def test_pure_module() -> None:
    tree = ast.parse(Path(regions.__file__).read_text())
    imported = {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not imported & {"flask", "flask_sqlalchemy", "sqlalchemy", "babel"}
