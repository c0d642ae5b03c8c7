"""Reference lists (countries, languages, time zones, CEFR) with names in the viewer's language.

The data comes from Babel's CLDR tables and tzdata, not from hand-kept lists.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

from coil.core.regions import is_iso_country
from coil.core.time import all_timezones

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
# ISO 639-1 languages offered in forms: CLDR knows them all; a shorter list keeps selects usable.
COMMON_LANGUAGES = (
    "ar",
    "bg",
    "ca",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fa",
    "fi",
    "fr",
    "ga",
    "he",
    "hi",
    "hr",
    "hu",
    "id",
    "is",
    "it",
    "ja",
    "ko",
    "lt",
    "lv",
    "ms",
    "mt",
    "nl",
    "no",
    "pl",
    "pt",
    "ro",
    "ru",
    "sk",
    "sl",
    "sq",
    "sr",
    "sv",
    "sw",
    "th",
    "tl",
    "tr",
    "uk",
    "ur",
    "vi",
    "zh",
    "af",
    "zu",
)


@lru_cache(maxsize=8)
def country_names(locale: str) -> dict[str, str]:
    """Return ISO 3166-1 alpha-2 codes and their names in ``locale``, sorted by name."""
    # CLDR also names groupings and reserved codes (EU, UN, QO, ZZ ...): only countries count.
    territories = Locale.parse(locale).territories
    pairs = [(code, name) for code, name in territories.items() if is_iso_country(code)]
    return dict(sorted(pairs, key=lambda pair: pair[1]))


@lru_cache(maxsize=8)
def language_names(locale: str) -> dict[str, str]:
    """Return the offered ISO 639-1 codes and their names in ``locale``, sorted by name."""
    names = Locale.parse(locale).languages
    pairs = [(code, names.get(code, code)) for code in COMMON_LANGUAGES]
    return dict(sorted(pairs, key=lambda pair: pair[1].lower()))


def is_country(code: str | None) -> bool:
    """Tell whether ``code`` is an ISO 3166-1 alpha-2 country code."""
    return bool(code) and code in country_names("en")


def is_language(code: str | None) -> bool:
    """Tell whether ``code`` is one of the offered ISO 639-1 language codes."""
    return code in COMMON_LANGUAGES


@lru_cache(maxsize=1)
def timezone_choices() -> list[str]:
    """Return the canonical IANA zones (Area/City), sorted; legacy aliases are left out."""
    areas = (
        "Africa",
        "America",
        "Antarctica",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    )
    return [*sorted(z for z in all_timezones() if z.split("/")[0] in areas), "UTC"]
