"""Suggested texts for an empty agreement point, in the viewer's language and date format.

They are worked out when the page is shown, not stored with the proposal: the two lecturers
may read different languages, and each sees the suggestion in their own. Saving the form
keeps the text as the lecturer then wrote it.
"""

from __future__ import annotations

from flask_babel import format_date, get_locale, ngettext

from coil.core.reference import language_names
from coil.courses.matching import verdicts


def agreement_defaults(fit: object, weeks: int) -> dict[str, str]:
    """Suggest the working language and the exchange dates the matching engine found."""
    if not isinstance(fit, verdicts.Match):
        return {}
    names = language_names(str(get_locale()))
    texts: dict[str, str] = {}
    for reason in fit.reasons:
        if reason.code == "language":
            code = reason.params["language"]
            texts["working_language"] = f"{names.get(code, code)} ({reason.params['level']})"
        elif reason.code == "weeks":
            texts["exchange_dates"] = ngettext(
                "%(num)d week between %(first)s and %(last)s",
                "%(num)d weeks between %(first)s and %(last)s",
                weeks,
                first=format_date(reason.params["first"], "long"),
                last=format_date(reason.params["last"], "long"),
            )
    return texts
