"""The text of each kind of notification, translated when shown (params fill placeholders)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

KINDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "proposal_received": lambda p: _(
        "%(institution)s proposes to pair “%(their_course)s” with your course “%(course)s”.", **p
    ),
    "proposal_reply": lambda p: _(
        "New message about the pairing of “%(course)s” and “%(their_course)s”.", **p
    ),
    "proposal_accepted": lambda p: _(
        "Your proposal to pair “%(course)s” with “%(their_course)s” was accepted.", **p
    ),
    "proposal_declined": lambda p: _(
        "Your proposal to pair “%(course)s” with “%(their_course)s” was declined.", **p
    ),
    "proposal_withdrawn": lambda p: _(
        "The proposal to pair “%(their_course)s” with “%(course)s” was withdrawn.", **p
    ),
    "exchange_created": lambda p: _(
        "New exchange at your institution: “%(course)s” pairs with “%(their_course)s” "
        "(%(institution)s).",
        **p,
    ),
    "exchange_joined": lambda p: _(
        "“%(their_course)s” (%(institution)s) joins your exchange “%(exchange)s”.", **p
    ),
    "agreement_changed": lambda p: _(
        "The collaboration agreement for “%(course)s” and “%(their_course)s” changed.", **p
    ),
    "teams_published": lambda p: _("You are in team %(team)s of “%(exchange)s”.", **p),
    "mentioned": lambda p: _("%(author)s mentioned you in “%(room)s”.", **p),
    "reflection_feedback": lambda p: _(
        "%(lecturer)s gave feedback on version %(version)s of your reflection in “%(exchange)s”.",
        **p,
    ),
    "rating_received": lambda p: _("%(lecturer)s rated your work in “%(exchange)s”.", **p),
    "engagement_digest": lambda p: _(
        "Engagement digest: %(count)s early warnings in %(exchanges)s.", **p
    ),
    "badge_awarded": lambda p: _("You earned the badge “%(badge)s” in “%(exchange)s”.", **p),
    "badge_revoked": lambda p: _("Your badge “%(badge)s” was revoked: %(reason)s", **p),
}


def render(kind: str, params: dict[str, Any]) -> str:
    """Return the notification text in the current language (a safe fallback if unknown)."""
    maker = KINDS.get(kind)
    if maker is None:
        return _("You have a new notification.")
    try:
        return maker(params)
    except (KeyError, ValueError):
        return _("You have a new notification.")
