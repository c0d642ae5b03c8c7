"""Who may set prompts, write entries, read them and give feedback.

- A student keeps their own journal while actively enrolled; they always read their own entries.
- Teammates (members of the same published team) read an entry's submitted text once its
  author shares it with the team; never drafts or feedback.
- The exchange's lecturers set prompts, read every entry of its students and give feedback.
- Coordinators of a member institution see the counts of the exchange, and read the entries
  of their own institution's students; admins see counts only.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from coil.accounts.models import Role
from coil.accounts.permissions import Actor, is_signed_in
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import (
    is_exchange_coordinator,
    is_exchange_lecturer,
    is_exchange_staff,
    is_exchange_student,
)
from coil.extensions import db
from coil.reflections.models import ReflectionEntry, ReflectionPrompt, ReflectionVersion
from coil.teams.permissions import team_of


def can_manage_prompts(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may write, pick, change and archive prompts (its lecturers)."""
    return is_exchange_lecturer(actor, exchange)


def can_see_counts(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may see the prompts and how many entries each has (staff)."""
    return is_exchange_staff(actor, exchange)


def is_member_coordinator(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` coordinates a member institution (admins are not included)."""
    return (
        is_signed_in(actor)
        and actor.role == Role.COORDINATOR
        and is_exchange_coordinator(actor, exchange)
    )


def can_list_entries(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may list students' entries per prompt: lecturers (every student)
    and member coordinators (their own institution's students)."""
    return is_exchange_lecturer(actor, exchange) or is_member_coordinator(actor, exchange)


def can_keep_journal(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may write entries in ``exchange`` (its active students)."""
    return is_exchange_student(actor, exchange)


def can_write(actor: Actor, prompt: ReflectionPrompt) -> bool:
    """Tell whether ``actor`` may write and submit their entry for ``prompt`` (open prompts)."""
    return prompt.archived_at is None and can_keep_journal(actor, prompt.exchange)


def is_author(actor: Actor, entry: ReflectionEntry) -> bool:
    """Tell whether ``actor`` wrote ``entry``."""
    return is_signed_in(actor) and entry.author_id == actor.id


def can_read_in_full(actor: Actor, entry: ReflectionEntry) -> bool:
    """Tell whether ``actor`` may read every version of ``entry`` and its feedback: its
    author, the exchange's lecturers, and coordinators of the author's institution."""
    if is_author(actor, entry):
        return True
    exchange = entry.prompt.exchange
    if is_exchange_lecturer(actor, exchange):
        return True
    return (
        is_member_coordinator(actor, exchange)
        and entry.author.institution_id is not None
        and entry.author.institution_id == actor.institution_id
    )


def is_shared_with(actor: Actor, entry: ReflectionEntry) -> bool:
    """Tell whether ``actor`` is a teammate of the author and the entry is shared."""
    if not entry.shared or not is_signed_in(actor) or actor.id == entry.author_id:
        return False
    exchange = entry.prompt.exchange
    mine = team_of(actor, exchange)
    return mine is not None and any(member.user_id == entry.author_id for member in mine.members)


def can_read(actor: Actor, entry: ReflectionEntry) -> bool:
    """Tell whether ``actor`` may open ``entry`` at all (in full, or as a teammate)."""
    return can_read_in_full(actor, entry) or is_shared_with(actor, entry)


def can_give_feedback(actor: Actor, entry: ReflectionEntry) -> bool:
    """Tell whether ``actor`` may write feedback on ``entry`` (the exchange's lecturers)."""
    return is_exchange_lecturer(actor, entry.prompt.exchange)


# --- loader-checkers ------------------------------------------------------------------------


def get_exchange_or_404(exchange_id: int, allowed: str = "counts") -> Exchange:
    """Load an exchange for a reflections page, or stop with 404 / 403.

    ``allowed`` names the predicate: ``counts`` (staff), ``manage`` (lecturers), ``entries``
    (lecturers, member coordinators) or ``journal`` (active students).
    """
    exchange = db.session.get(Exchange, exchange_id) or abort(404)
    check = {
        "counts": can_see_counts,
        "manage": can_manage_prompts,
        "entries": can_list_entries,
        "journal": can_keep_journal,
    }[allowed]
    if not check(current_user, exchange):
        abort(403)
    return exchange


def get_prompt_or_404(prompt_id: int, allowed: str = "manage") -> ReflectionPrompt:
    """Load a prompt the current user may manage (``manage``), list the entries of
    (``entries``) or write for (``write``), or stop with 404 / 403."""
    prompt = db.session.get(ReflectionPrompt, prompt_id) or abort(404)
    if allowed == "write":
        ok = can_write(current_user, prompt)
    else:
        ok = (can_manage_prompts if allowed == "manage" else can_list_entries)(
            current_user, prompt.exchange
        )
    if not ok:
        abort(403)
    return prompt


def get_entry_or_404(entry_id: int, *, own: bool = False) -> ReflectionEntry:
    """Load an entry the current user may read (or, with ``own``, their own), or stop."""
    entry = db.session.get(ReflectionEntry, entry_id) or abort(404)
    if not (is_author(current_user, entry) if own else can_read(current_user, entry)):
        abort(403)
    return entry


def get_version_or_404(version_id: int) -> ReflectionVersion:
    """Load a version the current user may give feedback on, or stop with 404 / 403."""
    version = db.session.get(ReflectionVersion, version_id) or abort(404)
    if not can_give_feedback(current_user, version.entry):
        abort(403)
    return version
