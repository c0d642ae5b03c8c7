"""The five teamwork dimensions of CATME peer evaluation, with what behaviour each level means.

Levels run from 1 to 5. As in CATME's behaviourally anchored scale, levels 5, 3 and 1 are
described and levels 4 and 2 sit between their neighbours. The descriptions are our own
wording of those anchors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

LOWEST, HIGHEST = 1, 5
SCALE = tuple(range(LOWEST, HIGHEST + 1))


@dataclass(frozen=True)
class Dimension:
    """One teamwork dimension: its key, its name and the behaviour at levels 5, 3 and 1."""

    key: str
    name: Any
    anchors: dict[int, Any]


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "contributing",
        _l("Contributing to the team's work"),
        {
            5: _l(
                "Does more than a fair share of the work, and does it well; comes prepared and "
                "meets every deadline."
            ),
            3: _l("Does a fair share of the work; usually prepared and on time."),
            1: _l("Does little of the team's work; often unprepared or late."),
        },
    ),
    Dimension(
        "interacting",
        _l("Interacting with teammates"),
        {
            5: _l(
                "Asks for and values everyone's ideas, listens, and helps teammates take part "
                "and work well together."
            ),
            3: _l("Listens to teammates and respects their ideas; keeps them informed."),
            1: _l("Ignores or dismisses teammates' ideas; hard to reach or disrespectful."),
        },
    ),
    Dimension(
        "on_track",
        _l("Keeping the team on track"),
        {
            5: _l(
                "Keeps an eye on how the team is doing, gives useful feedback and steps in "
                "when the team drifts."
            ),
            3: _l("Notices how the team is doing and points out when something goes wrong."),
            1: _l("Pays no attention to the team's progress or to deadlines."),
        },
    ),
    Dimension(
        "quality",
        _l("Expecting quality"),
        {
            5: _l("Motivates the team to do excellent work and believes the team can achieve it."),
            3: _l("Wants the team to do good work and to meet its requirements."),
            1: _l("Accepts work that is not good enough, or expects the team to fail."),
        },
    ),
    Dimension(
        "knowledge",
        _l("Having relevant knowledge, skills and abilities"),
        {
            5: _l(
                "Brings the knowledge and skills the work needs, learns what is missing, and "
                "helps others learn."
            ),
            3: _l("Has enough knowledge and skill for their part, or acquires it."),
            1: _l("Lacks the knowledge or skill for their part and does not acquire it."),
        },
    ),
)
KEYS = tuple(d.key for d in DIMENSIONS)
BETWEEN = _l("Between the descriptions above and below.")


def anchor(dimension: Dimension, level: int) -> Any:
    """Describe ``level`` of ``dimension`` (levels 4 and 2 lie between their neighbours)."""
    return dimension.anchors.get(level, BETWEEN)


def mean(levels: dict[str, int]) -> float:
    """Return the mean of the five dimensions' levels."""
    return sum(levels[key] for key in KEYS) / len(KEYS)
