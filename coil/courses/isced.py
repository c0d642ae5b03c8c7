"""ISCED-F 2013 fields of education and training (UNESCO), read from ``data/iscedf2013.csv``.

Codes are strings because their leading zeros matter: broad fields have 2 digits ("06"), narrow
fields 3 ("061") and detailed fields 4 ("0613"); a code's parents are its prefixes. The list holds
every possible code, including the "not further defined" (ending in 0) and "not elsewhere
classified" (ending in 9) codes and 99 "Field unknown".

The English titles are UNESCO's (UIS, ISCED-F 2013). The Dutch and Spanish titles were
translated for COIL: UIS publishes a Spanish edition (CINE-F 2013) whose terms we followed
where we knew them, but the list was not checked against it line by line, and we found no
published Dutch list; docs/architecture.md says so too. A language without a title falls back
to English.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal

Level = Literal["broad", "narrow", "detailed"]
Relation = Literal["same_detailed", "same_narrow", "same_broad", "different"]

DATA_FILE = Path(__file__).with_name("data") / "iscedf2013.csv"
_LEVELS: dict[int, Level] = {2: "broad", 3: "narrow", 4: "detailed"}
UNKNOWN_BROAD = "99"


@dataclass(frozen=True, slots=True)
class Field:
    code: str
    level: Level
    title_en: str
    titles: Mapping[str, str] = field(default_factory=dict)  # other languages: {"nl": ...}

    def title(self, locale: str) -> str:
        """Return the title in ``locale`` ("nl", "es", "es_MX"...), else the English one."""
        return self.titles.get(locale.split("_")[0]) or self.title_en

    @property
    def parent_code(self) -> str | None:
        """Return the code one level up, or None for a broad field."""
        return self.code[:-1] if len(self.code) > 2 else None


@lru_cache(maxsize=1)
def fields() -> Mapping[str, Field]:
    """Return every ISCED-F 2013 field by code, in the order of the list."""
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    table: dict[str, Field] = {}
    for row in rows:
        code, level = row["code"], row["level"]
        if _LEVELS.get(len(code)) != level or not code.isdigit():
            raise ValueError(f"{DATA_FILE.name}: code {code!r} does not fit level {level!r}")
        titles = {
            name.removeprefix("title_"): text
            for name, text in row.items()
            if name.startswith("title_") and name != "title_en" and text
        }
        table[code] = Field(code, _LEVELS[len(code)], row["title_en"], MappingProxyType(titles))
    return table


def get(code: str) -> Field | None:
    """Return the field with this code, or None when there is none."""
    return fields().get(code)


def is_valid(code: str) -> bool:
    """Tell whether ``code`` is an ISCED-F 2013 code at any level."""
    return code in fields()


def chain(code: str) -> tuple[Field, ...]:
    """Return the field and its parents, broad first; raise ValueError for an unknown code."""
    table = fields()
    if code not in table:
        raise ValueError(f"{code!r} is not an ISCED-F 2013 code")
    return tuple(table[code[:length]] for length in range(2, len(code) + 1))


def relation(a: str, b: str) -> Relation:
    """Tell how close two codes are: the deepest level at which both name the same field.

    A code only counts as "same" at a level it reaches: "061" and "0613" are the same narrow
    field, not the same detailed one. Field unknown (99) is never the same as anything, itself
    included, because two unknowns say nothing about the two courses.
    """
    for code in (a, b):
        if not is_valid(code):
            raise ValueError(f"{code!r} is not an ISCED-F 2013 code")
    if a[:2] == UNKNOWN_BROAD or b[:2] == UNKNOWN_BROAD or a[:2] != b[:2]:
        return "different"
    if len(a) == len(b) == 4 and a == b:
        return "same_detailed"
    if len(a) >= 3 and len(b) >= 3 and a[:3] == b[:3]:
        return "same_narrow"
    return "same_broad"
