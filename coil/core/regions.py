"""UN M49 regions of the world's countries, read from ``data/m49.csv``.

The table gives every ISO 3166-1 alpha-2 country its M49 region, sub-region and, where there is
one, intermediate region, plus XK (Kosovo), which CLDR and most country pickers list. M49 puts
Antarctica in no region; the table gives AQ a region of its own so that every country has one.
Codes are strings because their leading zeros matter ("002" is Africa).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

DATA_FILE = Path(__file__).with_name("data") / "m49.csv"
_LEVELS = ("region", "sub_region", "intermediate_region")
_ANTARCTICA = "010"  # a region in the table only, not in M49: no choice to offer


class RegionInfo(NamedTuple):
    region: str  # M49 region name: Africa, Americas, Asia, Europe, Oceania, Antarctica
    keys: frozenset[str]  # names and M49 codes of the region and every group below it


Group = tuple[str, str]
"""An M49 area as (code, English name)."""


def _read_m49(path: Path) -> Mapping[str, tuple[Group, ...]]:
    # Country code -> its groups, region first; rows with a problem stop the import.
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    table: dict[str, tuple[Group, ...]] = {}
    for line, row in enumerate(rows, start=2):
        country = row["country"]
        groups = tuple((row[f"{level}_code"], row[level]) for level in _LEVELS)
        filled = [group for group in groups if any(group)]
        if (
            len(country) != 2
            or not country.isalpha()
            or not country.isupper()
            or country in table
            or groups[: len(filled)] != tuple(filled)
            or not filled
            or not all(code.isdigit() and len(code) == 3 and name for code, name in filled)
        ):
            raise ValueError(f"{path.name}, line {line}: bad or repeated row {row!r}")
        table[country] = tuple(filled)
    return MappingProxyType(table)


_GROUPS = _read_m49(DATA_FILE)
REGIONS: Mapping[str, RegionInfo] = MappingProxyType(
    {
        country: RegionInfo(groups[0][1], frozenset(key for group in groups for key in group))
        for country, groups in _GROUPS.items()
    }
)
REGION_NAMES = frozenset(info.region for info in REGIONS.values())


def region_of(country: str) -> str:
    """Return the M49 region name of an ISO 3166-1 alpha-2 country; raise ValueError if unknown."""
    info = REGIONS.get(country)
    if info is None:
        raise ValueError(f"unknown country code {country!r}")
    return info.region


def is_iso_country(code: str) -> bool:
    """Tell whether ``code`` is an ISO 3166-1 alpha-2 country code (or XK, Kosovo)."""
    return code in REGIONS


def region_choices() -> list[tuple[str, str]]:
    """Return (M49 code, English name) of the regions and sub-regions, each region first.

    The codes are what ``CourseProfile.preferred_regions`` takes; intermediate regions (such as
    the Caribbean) are accepted there too but not offered, to keep the list short.
    """
    entries = {
        (groups[0][1], level, name, code)
        for groups in _GROUPS.values()
        if groups[0][0] != _ANTARCTICA
        for level, (code, name) in enumerate(groups[:2])
    }
    return [(code, name) for _, _, name, code in sorted(entries)]
