"""The options of the course forms' select fields, named in the viewer's language."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from coil.core.forms import options
from coil.core.regions import REGION_NAMES, region_choices
from coil.courses import isced
from coil.courses.labels import EQF_LABELS, region_name


def isced_choices() -> list[SelectChoice]:
    """Offer every ISCED-F 2013 field, grouped by broad field, narrower ones indented."""
    table = isced.fields()
    locale = str(get_locale())
    choices = []
    for code, found in table.items():
        broad = table[code[:2]]
        indent = "\u00a0\u00a0" * (len(code) - 2)
        choices.append(
            SelectChoice(
                code,
                f"{indent}{code} {found.title(locale)}",
                optgroup=f"{broad.code} {broad.title(locale)}",
            )
        )
    return choices


def discipline_filter_choices() -> list[SelectChoice]:
    """Offer the broad and narrow ISCED-F fields, for filtering by prefix."""
    choices = [SelectChoice("", str(_l("Any discipline")))]
    locale = str(get_locale())
    for code, found in isced.fields().items():
        if found.level != "detailed" and code[:2] != isced.UNKNOWN_BROAD:
            indent = "\u00a0\u00a0" if found.level == "narrow" else ""
            choices.append(SelectChoice(code, f"{indent}{code} {found.title(locale)}"))
    return choices


def localized_region_choices() -> list[SelectChoice]:
    """Offer M49 regions with their sub-regions, named in the UI language."""
    choices: list[SelectChoice] = []
    group = ""
    for code, english in region_choices():
        name = region_name(code, english)
        if not choices or english in REGION_NAMES:  # a region comes before its sub-regions
            group = name
        choices.append(SelectChoice(code, name, optgroup=group))
    return choices


def eqf_choices() -> list[SelectChoice]:
    """Offer the EQF levels of higher education."""
    return options((level, f"{level} — {label}") for level, label in EQF_LABELS.items())
