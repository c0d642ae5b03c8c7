"""Names of things in the viewer's language: languages, countries, regions, ISCED-F fields,
SDGs, EQF levels, course statuses and weekdays, so that forms and pages name them alike."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

from babel import Locale
from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from coil.core.reference import country_names, language_names
from coil.core.regions import region_choices
from coil.courses import isced

EQF_LABELS: Mapping[int, Any] = MappingProxyType(
    {5: _l("short cycle"), 6: _l("bachelor"), 7: _l("master"), 8: _l("doctorate")}
)
STATUS_LABELS: Mapping[str, Any] = MappingProxyType(
    {
        "draft": _l("draft"),
        "open": _l("open for partners"),
        "paired": _l("paired"),
        "closed": _l("closed"),
    }
)
DISCIPLINE_LABELS: Mapping[str, Any] = MappingProxyType(
    {
        "same": _l("the same discipline"),
        "different": _l("a different discipline"),
        "any": _l("any discipline"),
    }
)
SDG_NAMES: Mapping[int, Any] = MappingProxyType(
    {
        1: _l("No poverty"),
        2: _l("Zero hunger"),
        3: _l("Good health and well-being"),
        4: _l("Quality education"),
        5: _l("Gender equality"),
        6: _l("Clean water and sanitation"),
        7: _l("Affordable and clean energy"),
        8: _l("Decent work and economic growth"),
        9: _l("Industry, innovation and infrastructure"),
        10: _l("Reduced inequalities"),
        11: _l("Sustainable cities and communities"),
        12: _l("Responsible consumption and production"),
        13: _l("Climate action"),
        14: _l("Life below water"),
        15: _l("Life on land"),
        16: _l("Peace, justice and strong institutions"),
        17: _l("Partnerships for the goals"),
    }
)


def ui_locale() -> str:
    """Return the UI language code (the locale babel picked for this request)."""
    return str(get_locale() or "en")


def language_name(code: str) -> str:
    """Name an ISO 639-1 language in the UI language."""
    locale = ui_locale()
    return language_names(locale).get(code) or Locale.parse(locale).languages.get(code, code)


def country_name(code: str) -> str:
    """Name an ISO 3166 country in the UI language."""
    return country_names(ui_locale()).get(code, code)


def region_name(code: str, english: str | None = None) -> str:
    """Name an M49 region by its numeric code in the UI language (English as a fallback)."""
    return Locale.parse(ui_locale()).territories.get(code) or english or code


def region_by_english_name(name: str) -> str:
    """Name a region the engine names in English (M49 "Americas") in the UI language."""
    # The engine names regions in English (M49 "Americas"); CLDR names them by M49 code.
    codes = {english: code for code, english in region_choices()}
    return region_name(codes[name], name) if name in codes else name


def field_title(code: str | None) -> str:
    """Name an ISCED-F field as "code title" in the UI language (see coil/courses/isced.py)."""
    found = isced.get(code) if code else None
    return f"{code} {found.title(str(get_locale()))}" if found else str(code)


def sdg_label(goal: int) -> str:
    """Name a Sustainable Development Goal with its number."""
    name = SDG_NAMES.get(goal)
    return f"{goal} {name}" if name is not None else str(goal)


def weekday_name(
    weekday: int, width: Literal["abbreviated", "narrow", "short", "wide"] = "abbreviated"
) -> str:
    """Name a weekday (0 = Monday) in the UI language: "Tue", "di"."""
    return str(get_day_names(width, locale=ui_locale())[weekday])


def zone_city(tz: str) -> str:
    """Name a time zone by its city: "America/Mexico_City" is "Mexico City"."""
    return tz.rsplit("/", 1)[-1].replace("_", " ") if tz else "UTC"
