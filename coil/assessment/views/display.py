"""How rubric dimensions, levels and assessment kinds read on the pages, in the viewer's
language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from coil.assessment import catme
from coil.exchanges.models import Exchange
from coil.rubrics.services import rubric_of
from coil.rubrics.text import localised


@dataclass(frozen=True)
class Shown:
    """A rubric dimension as a page shows it: its key, group, name and descriptor per level."""

    key: str
    group: str
    name: str
    levels: list[tuple[int, str, str]]  # (value, level name, descriptor)


def rubric_shown(exchange: Exchange) -> list[Shown]:
    """Return the exchange's rubric dimensions with their levels, highest level first."""
    locale = str(get_locale() or "en")
    rubric = rubric_of(exchange)
    names = {level.value: localised(level.name, locale) for level in rubric.levels}
    return [
        Shown(
            d.key,
            localised(d.group, locale),
            localised(d.name, locale),
            [
                (value, names[value], localised(d.descriptors.get(str(value)), locale))
                for value in sorted(names, reverse=True)
            ],
        )
        for d in rubric.dimensions
    ]


def catme_shown() -> list[Shown]:
    """Return the five teamwork dimensions with their levels (5 first) and behaviours."""
    return [
        Shown(
            d.key,
            "",
            str(d.name),
            [(v, str(v), str(catme.anchor(d, v))) for v in reversed(catme.SCALE)],
        )
        for d in catme.DIMENSIONS
    ]


def kind_label(kind: str) -> str:
    """Name an assessment window for people."""
    return {
        "pre": _("Self-assessment at the start"),
        "post": _("Self-assessment at the end"),
        "peers": _("Peer evaluation of your team"),
    }.get(kind, kind)


def flag_label(code: str) -> str:
    """Say what a peer-evaluation flag means."""
    return {
        "overconfident": _("Rates themself well above what teammates give"),
        "low_performer": _("Teammates rate them low"),
        "ledger_contrast": _("Rated highly contributing, but the ledger recorded (almost) nothing"),
        "disagreement": _("Teammates disagree strongly about a member"),
        "clique": _("The team splits into groups that rate only each other highly"),
    }.get(code, code)


def figure_label(key: str) -> str:
    """Name a figure behind a flag."""
    return {
        "self": _("own rating"),
        "peers": _("teammates' mean"),
        "events": _("ledger events"),
        "spread": _("spread"),
    }.get(key, key)


def helpers() -> dict[str, Any]:
    """The display helpers every assessment template uses."""
    return {
        "kind_label": kind_label,
        "flag_label": flag_label,
        "figure_label": figure_label,
        "catme_names": {d.key: str(d.name) for d in catme.DIMENSIONS},
    }
