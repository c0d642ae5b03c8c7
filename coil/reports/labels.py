"""Words the reports pages and exports share: dimension names, completion states, statuses."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from coil.core.reference import country_names
from coil.reports.overview import Overview
from coil.reports.summary import BINS, COMPLETION
from coil.rubrics import value
from coil.rubrics.text import localised

COMPLETION_LABELS: dict[str, Any] = {
    "complete": _l("Completed every phase"),
    "in_progress": _l("In progress"),
    "incomplete": _l("Not every phase completed"),
}
STATUS_LABELS: dict[str, Any] = {
    "planned": _l("Planned"),
    "running": _l("Running"),
    "finished": _l("Finished"),
}


class DimensionNames(dict[str, str]):
    """Rubric dimension names in one language; an unknown key names itself."""

    def __missing__(self, key: str) -> str:
        return key


def dimension_names(locale: str) -> DimensionNames:
    """Return the platform rubric's dimension names in ``locale``."""
    return DimensionNames(
        {key: localised(name, locale) for key, _group, name, _levels in value.DIMENSIONS}
    )


def figure_rows(view: Overview, locale: str) -> dict[str, list[tuple[Any, ...]]]:
    """Return the rows of every dashboard table (and so of every chart), labels translated."""
    names, countries, s = dimension_names(locale), country_names(locale), view.summary
    return {
        "statuses": [
            (STATUS_LABELS.get(status, status), n) for status, n in sorted(view.statuses.items())
        ],
        "partner_countries": [
            (countries.get(c, c), n) for c, n in view.partner_countries.most_common()
        ],
        "students_by_country": [
            (countries.get(c, c), n) for c, n in view.students_by_country.most_common()
        ],
        "by_course": s.by_course.most_common(),
        "completion": [(COMPLETION_LABELS[c], s.completion[c]) for c in COMPLETION],
        "distribution": [(label, s.distribution[label]) for label, *_range in BINS],
        "rubric": [(names[c.key], c.pre, c.post, c.change, c.students) for c in s.changes],
        "badges": s.badges.most_common(),
    }


def helpers() -> dict[str, Any]:
    """Return the labels every reports template uses."""
    return {"completion_labels": COMPLETION_LABELS, "status_labels": STATUS_LABELS}
