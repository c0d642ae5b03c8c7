"""A badge's evidence in words: what the record showed for each rule when it was awarded, and
the portfolio entries its holder made public. Used by the badge page (in the viewer's
language) and by the credential (in the exchange's working language)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from coil.core.safety import site_url
from coil.credentials.models import Award, BadgeVersion
from coil.credentials.ob3 import EvidenceInput
from coil.reflections.models import ReflectionEntry
from coil.rubrics.services import rubric_of
from coil.rubrics.text import localised

EXCERPT = 280  # characters of a reflection quoted in the credential; its page has all of it


def rule_name(item: dict[str, Any]) -> str:
    """Return what one rule is about, as a short heading."""
    return {
        "sessions": _("Live sessions"),
        "tasks": _("Team tasks"),
        "reflections": _("Reflections"),
        "self_assessment": _("Self-assessment"),
        "rating": _("Lecturer's rating"),
    }.get(item.get("kind", ""), _("Participation record"))


def rule_text(rule: dict[str, Any]) -> str:
    """Return what one rule asks, in words."""
    kind = rule.get("kind")
    if kind == "sessions":
        return ngettext(
            "Present at %(num)d or more live session",
            "Present at %(num)d or more live sessions",
            int(rule.get("min", 0)),
        )
    if kind == "tasks":
        return ngettext(
            "%(num)d or more team task completed",
            "%(num)d or more team tasks completed",
            int(rule.get("min", 0)),
        )
    if kind == "reflections":
        return _(
            "Reflections on %(min)d or more prompts, covering %(want)d or more rubric dimensions",
            min=rule.get("min", 0),
            want=rule.get("dimensions", 0),
        )
    if kind == "self_assessment":
        if rule.get("stage") == "pre":
            return _("The self-assessment at the start of the exchange done")
        return _("The self-assessment at the end of the exchange done")
    return _(
        "A lecturer's rating at level %(level)d or above on %(want)d or more rubric dimensions",
        level=rule.get("level", 0),
        want=rule.get("dimensions", 0),
    )


def rule_narrative(item: dict[str, Any]) -> str:
    """Return what the record showed for one rule, beside what the rule asked."""
    kind, seen = item.get("kind"), item.get("seen") or {}
    count = int(seen.get("count", 0))
    if kind == "sessions":
        return ngettext(
            "Present at %(num)d live session (the badge asks for %(min)d).",
            "Present at %(num)d live sessions (the badge asks for %(min)d).",
            count,
            min=item.get("min", 0),
        )
    if kind == "tasks":
        return ngettext(
            "Completed %(num)d team task (the badge asks for %(min)d).",
            "Completed %(num)d team tasks (the badge asks for %(min)d).",
            count,
            min=item.get("min", 0),
        )
    if kind == "reflections":
        return _(
            "Reflections submitted on %(count)d prompts covering %(dims)d rubric dimensions "
            "(the badge asks for %(min)d prompts and %(want)d dimensions).",
            count=count,
            dims=int(seen.get("dimensions", 0)),
            min=item.get("min", 0),
            want=item.get("dimensions", 0),
        )
    if kind == "self_assessment":
        if item.get("stage") == "pre":
            return _("Completed the self-assessment at the start of the exchange.")
        return _("Completed the self-assessment at the end of the exchange.")
    if kind == "rating":
        return _(
            "Rated by a lecturer at level %(level)d or above on %(count)d rubric dimensions "
            "(the badge asks for %(want)d).",
            level=item.get("level", 0),
            count=count,
            want=item.get("dimensions", 0),
        )
    return _("Recorded in the exchange's participation record.")


def entry_title(entry: ReflectionEntry, locale: str) -> str:
    """Return the prompt an entry answers, in ``locale`` when the prompt has it."""
    return localised(entry.prompt.texts, locale) or _("Reflection")


def entry_excerpt(entry: ReflectionEntry) -> str:
    """Return the start of the entry's latest submitted text, cut at a word."""
    body = " ".join((entry.latest.body if entry.latest else "").split())
    if len(body) <= EXCERPT:
        return body
    return body[:EXCERPT].rsplit(" ", 1)[0] + " …"


def evidence_of(award: Award, locale: str) -> list[EvidenceInput]:
    """Return the award's evidence as the credential carries it."""
    items = [
        EvidenceInput(
            name=rule_name(item), narrative=rule_narrative(item), genre="Participation record"
        )
        for item in award.observed or []
    ]
    items.extend(
        EvidenceInput(
            name=entry_title(entry, locale),
            narrative=entry_excerpt(entry),
            url=site_url("credentials.evidence_page", uid=award.uid, entry_id=entry.id),
            genre="Reflection",
        )
        for entry in award.evidence
        if entry.latest is not None
    )
    return items


def dimension_names(version: BadgeVersion, locale: str) -> dict[str, str]:
    """Return the names of the rubric dimensions ``version`` is aligned to, in ``locale``."""
    rubric = rubric_of(version.badge.exchange)
    names = {dim.key: localised(dim.name, locale) for dim in rubric.dimensions}
    return {key: names.get(key, key) for key in version.alignment}
