"""How prompts, phases, dimensions and statuses read on the pages, in the viewer's language."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from coil.core.markdown import render_markdown
from coil.exchanges.forms import phase_names
from coil.exchanges.models import Exchange, ExchangePhase
from coil.reflections.models import ReflectionPrompt
from coil.reflections.queries import Status
from coil.rubrics.services import rubric_of
from coil.rubrics.text import localised
from coil.teams.models import Team


def ui_language() -> str:
    """Return the two-letter language of the interface."""
    return str(get_locale() or "en").split("_")[0]


def prompt_text(prompt: ReflectionPrompt) -> tuple[str, str]:
    """Return ``(language, text)`` of the prompt: the viewer's language when the prompt has
    it, else English, else the language it was written in."""
    texts = prompt.texts or {}
    for language in (ui_language(), "en", *texts):
        if texts.get(language):
            return language, texts[language]
    return ui_language(), ""


def phase_label(phase: ExchangePhase | None) -> str:
    """Name a phase for people: its own title, else its kind's name."""
    if phase is None:
        return _("No phase")
    return phase.title or str(phase_names().get(phase.key, phase.key))


def dimension_names(exchange: Exchange) -> dict[str, str]:
    """Name the dimensions of the exchange's rubric in the viewer's language, by key."""
    locale = str(get_locale() or "en")
    return {d.key: localised(d.name, locale) for d in rubric_of(exchange).dimensions}


def status_label(status: Status) -> str:
    """Say where an entry stands: not started, draft, submitted vN, feedback given."""
    if status.code == "not_started":
        return _("Not started")
    if status.code == "draft":
        return _("Draft")
    if status.code == "feedback":
        label = _("Feedback given on version %(n)d", n=status.version or 0)
    else:
        label = _("Submitted: version %(n)d", n=status.version or 0)
    return label + (" · " + _("changes not submitted") if status.pending else "")


def team_label(team: Team) -> str:
    """Name a team for people: its chosen name, else its number."""
    return team.name or _("Team %(n)d", n=team.number)


def markdown(source: str) -> Markup:
    """Render an entry's or feedback's Markdown as safe HTML (sanitised by nh3)."""
    return render_markdown(source)


def helpers() -> dict[str, Any]:
    """The display helpers every reflections template uses."""
    return {
        "prompt_text": prompt_text,
        "phase_label": phase_label,
        "status_label": status_label,
        "team_label": team_label,
        "markdown": markdown,
    }
