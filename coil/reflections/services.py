"""Every change to the reflection journal: prompts, entries, sharing and feedback.

Services flush; the caller's transaction commits. Refusals raise ``ServiceError`` with a stable
``code``: ``forbidden``, ``archived``, ``not_found``, ``malformed``, ``empty``, ``too_long``
and ``unchanged`` (a submission with nothing new since the last version). Submitting records one
``reflection.submitted`` ledger event in the same transaction; feedback notifies the student.
What the journal shows (and what other domains read) is in ``queries``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from coil.accounts.models import User
from coil.core.errors import ServiceError
from coil.core.time import utcnow
from coil.evidence import kinds
from coil.evidence.services import record
from coil.exchanges.models import Exchange, ExchangePhase
from coil.exchanges.services import ensure_phases
from coil.extensions import db
from coil.notifications.services import notify_user
from coil.reflections import starters
from coil.reflections.models import (
    ReflectionEntry,
    ReflectionFeedback,
    ReflectionPrompt,
    ReflectionVersion,
)
from coil.reflections.permissions import can_give_feedback, can_manage_prompts, can_write, is_author
from coil.reflections.queries import dimension_keys, entry_of, picked_starters
from coil.schedule.services import local_to_utc

log = logging.getLogger(__name__)
MAX_PROMPT = 2000  # characters per language
MAX_BODY = 20_000
MAX_FEEDBACK = 5000
STARTER_DUE = time(23, 59)  # a picked starter is due at the end of its phase's last day


@dataclass(frozen=True)
class PromptData:
    """A prompt as a lecturer writes it: the due moment is a wall-clock time in ``timezone``."""

    phase: int  # position of the phase among the exchange's (planned) phases
    texts: dict[str, str]
    dimensions: list[str]
    due_day: date
    due_time: time
    timezone: str


# --- prompts -----------------------------------------------------------------------------------


def _require_manager(actor: User, exchange: Exchange) -> None:
    if not can_manage_prompts(actor, exchange):
        raise ServiceError(
            _("Only the lecturers of this exchange can change its reflection prompts."),
            code="forbidden",
        )


def _texts(texts: Any) -> dict[str, str]:
    if not isinstance(texts, dict):
        raise ServiceError(_("The prompt could not be read."), "text_en", code="malformed")
    clean: dict[str, str] = {}
    for language in starters.LANGUAGES:
        text = texts.get(language)
        if text is None:
            continue
        if not isinstance(text, str):
            raise ServiceError(_("The prompt could not be read."), f"text_{language}", "malformed")
        text = text.replace("\x00", "").strip()
        if len(text) > MAX_PROMPT:
            raise ServiceError(
                _("A prompt can hold at most %(n)d characters.", n=MAX_PROMPT),
                f"text_{language}",
                code="too_long",
            )
        if text:
            clean[language] = text
    if not clean:
        raise ServiceError(_("Write the prompt in at least one language."), "text_en", code="empty")
    return clean


def _dimensions(exchange: Exchange, chosen: Any) -> list[str]:
    keys = dimension_keys(exchange)
    if not isinstance(chosen, list | tuple) or any(key not in keys for key in chosen):
        raise ServiceError(
            _("Choose dimensions of the exchange's rubric."), "dimensions", code="malformed"
        )
    if not chosen:
        raise ServiceError(
            _("Choose at least one dimension the prompt asks about."), "dimensions", code="empty"
        )
    return [key for key in keys if key in chosen]


def _phase(exchange: Exchange, position: Any) -> ExchangePhase:
    phases = ensure_phases(exchange)
    if not isinstance(position, int) or not 0 <= position < len(phases):
        raise ServiceError(_("Choose a phase of this exchange."), "phase", code="not_found")
    return phases[position]


def _apply(prompt: ReflectionPrompt, data: PromptData) -> None:
    exchange = prompt.exchange
    texts = _texts(data.texts)
    dimensions = _dimensions(exchange, data.dimensions)
    due_at = local_to_utc(data.due_day, data.due_time, data.timezone, "due_time")
    prompt.phase = _phase(exchange, data.phase)
    prompt.texts, prompt.dimensions = texts, dimensions
    prompt.due_at, prompt.due_timezone = due_at, data.timezone


def _next_position(exchange: Exchange) -> int:
    highest = db.session.scalar(
        select(func.max(ReflectionPrompt.position)).where(
            ReflectionPrompt.exchange_id == exchange.id
        )
    )
    return 0 if highest is None else highest + 1


def create_prompt(actor: User, exchange: Exchange, data: PromptData) -> ReflectionPrompt:
    """Write a prompt of the lecturers' own for one phase of ``exchange``."""
    _require_manager(actor, exchange)
    prompt = ReflectionPrompt(exchange=exchange, created_by_id=actor.id)
    _apply(prompt, data)
    prompt.position = _next_position(exchange)
    db.session.add(prompt)
    db.session.flush()
    log.info("user %s wrote reflection prompt %s in exchange %s", actor.id, prompt.id, exchange.id)
    return prompt


def update_prompt(actor: User, prompt: ReflectionPrompt, data: PromptData) -> ReflectionPrompt:
    """Change a prompt's phase, texts, dimensions or due moment; entries stay as they are."""
    _require_manager(actor, prompt.exchange)
    _apply(prompt, data)
    db.session.flush()
    log.info("user %s changed reflection prompt %s", actor.id, prompt.id)
    return prompt


def archive_prompt(actor: User, prompt: ReflectionPrompt) -> ReflectionPrompt:
    """Take a prompt out of the journal (no new entries; submitted ones stay readable)."""
    _require_manager(actor, prompt.exchange)
    if prompt.archived_at is None:
        prompt.archived_at = utcnow()
        db.session.flush()
        log.info("user %s archived reflection prompt %s", actor.id, prompt.id)
    return prompt


def restore_prompt(actor: User, prompt: ReflectionPrompt) -> ReflectionPrompt:
    """Put an archived prompt back into the journal."""
    _require_manager(actor, prompt.exchange)
    if prompt.archived_at is not None:
        prompt.archived_at = None
        db.session.flush()
        log.info("user %s restored reflection prompt %s", actor.id, prompt.id)
    return prompt


def pick_starters(
    actor: User, exchange: Exchange, keys: Iterable[Any], timezone: str
) -> list[ReflectionPrompt]:
    """Copy starters into the exchange, each into the first phase of its kind (else the last
    phase) and due at 23:59 on that phase's last day in ``timezone``; starters picked before
    are skipped. Return the new prompts."""
    _require_manager(actor, exchange)
    chosen = []
    for key in keys:
        found = starters.starter(key) if isinstance(key, str) else None
        if found is None:
            raise ServiceError(_("Choose prompts from the list."), "starters", code="malformed")
        chosen.append(found)
    if not chosen:
        raise ServiceError(_("Choose at least one prompt."), "starters", code="empty")
    phases = ensure_phases(exchange)
    rubric_keys = dimension_keys(exchange)
    have = picked_starters(exchange)
    position = _next_position(exchange)
    made: list[ReflectionPrompt] = []
    for found in chosen:
        if found.key in have:
            continue
        have.add(found.key)
        phase = next((p for p in phases if p.key == found.phase), phases[-1])
        made.append(
            ReflectionPrompt(
                exchange=exchange,
                phase=phase,
                texts=dict(found.texts),
                # another rubric may lack some of the default rubric's dimensions
                dimensions=[key for key in rubric_keys if key in found.dimensions],
                due_at=local_to_utc(phase.end_date, STARTER_DUE, timezone, "starters"),
                due_timezone=timezone,
                starter=found.key,
                position=position + len(made),
                created_by_id=actor.id,
            )
        )
    db.session.add_all(made)
    db.session.flush()
    log.info("user %s picked %d starter prompts for exchange %s", actor.id, len(made), exchange.id)
    return made


# --- entries -----------------------------------------------------------------------------------


def _require_writer(actor: User, exchange: Exchange, prompt: ReflectionPrompt) -> None:
    if prompt.exchange_id != exchange.id:
        raise ServiceError(_("This prompt belongs to another exchange."), code="not_found")
    if prompt.archived_at is not None:
        raise ServiceError(_("This prompt is archived: it takes no more entries."), code="archived")
    if not can_write(actor, prompt):
        raise ServiceError(
            _("Only the students of this exchange keep a journal in it."), code="forbidden"
        )


def _body(body: Any, limit: int, empty: str) -> str:
    if not isinstance(body, str):
        raise ServiceError(_("The text could not be read."), "body", code="malformed")
    # Browsers send CRLF; a text that differs only in line ends or outer blanks is the same.
    body = body.replace("\x00", "").replace("\r\n", "\n").strip()
    if not body:
        raise ServiceError(empty, "body", code="empty")
    if len(body) > limit:
        raise ServiceError(
            _("Shorten the text to at most %(n)d characters.", n=limit), "body", code="too_long"
        )
    return body


def _entry(actor: User, prompt: ReflectionPrompt) -> ReflectionEntry:
    entry = entry_of(prompt, actor)
    if entry is None:
        entry = ReflectionEntry(prompt=prompt, author_id=actor.id, versions=[])
        db.session.add(entry)
    return entry


def save_draft(
    actor: User, exchange: Exchange, prompt: ReflectionPrompt, body: Any
) -> ReflectionEntry:
    """Keep ``body`` as the draft of ``actor``'s entry (a text equal to the last submitted
    version leaves no draft)."""
    _require_writer(actor, exchange, prompt)
    body = _body(body, MAX_BODY, _("Write something before you save."))
    entry = _entry(actor, prompt)
    latest = entry.latest
    if latest is not None and latest.body == body:
        entry.draft, entry.draft_saved_at = None, None
    else:
        entry.draft, entry.draft_saved_at = body, utcnow()
    db.session.flush()
    log.info("user %s saved a draft for reflection prompt %s", actor.id, prompt.id)
    return entry


def submit(
    actor: User, exchange: Exchange, prompt: ReflectionPrompt, body: Any
) -> ReflectionVersion:
    """Submit ``body`` as the next version of ``actor``'s entry and record it in the ledger;
    the versions before it stay as they were."""
    _require_writer(actor, exchange, prompt)
    body = _body(body, MAX_BODY, _("Write your reflection before you submit it."))
    entry = _entry(actor, prompt)
    latest = entry.latest
    if latest is not None and latest.body == body:
        raise ServiceError(
            _("Nothing changed since version %(n)d.", n=latest.number), "body", code="unchanged"
        )
    version = ReflectionVersion(number=1 if latest is None else latest.number + 1, body=body)
    entry.versions.append(version)
    entry.draft, entry.draft_saved_at = None, None
    db.session.flush()
    record(
        kinds.REFLECTION_SUBMITTED,
        exchange.id,
        actor,
        subject_id=version.id,
        payload={
            "prompt_id": prompt.id,
            "dimensions": list(prompt.dimensions),
            "version": version.number,
        },
        occurred_at=version.submitted_at,
    )
    log.info(
        "user %s submitted version %s of reflection entry %s", actor.id, version.number, entry.id
    )
    return version


def discard_draft(actor: User, entry: ReflectionEntry) -> ReflectionEntry:
    """Drop the unsubmitted changes of ``actor``'s entry (its submitted versions stay)."""
    if not is_author(actor, entry):
        raise ServiceError(_("You can only change your own entries."), code="forbidden")
    if entry.draft is not None:
        entry.draft, entry.draft_saved_at = None, None
        db.session.flush()
        log.info("user %s discarded the draft of reflection entry %s", actor.id, entry.id)
    return entry


def set_sharing(
    actor: User, entry: ReflectionEntry, *, shared: bool, in_portfolio: bool
) -> ReflectionEntry:
    """Share ``actor``'s entry with their team or not, and mark it for the portfolio or not."""
    if not is_author(actor, entry):
        raise ServiceError(_("You can only change your own entries."), code="forbidden")
    entry.shared, entry.in_portfolio = bool(shared), bool(in_portfolio)
    db.session.flush()
    log.info(
        "user %s set reflection entry %s shared=%s portfolio=%s",
        actor.id,
        entry.id,
        entry.shared,
        entry.in_portfolio,
    )
    return entry


def give_feedback(actor: User, version: ReflectionVersion, body: Any) -> ReflectionFeedback:
    """Write feedback on one submitted version and notify its author."""
    entry = version.entry
    if not can_give_feedback(actor, entry):
        raise ServiceError(
            _("Only the lecturers of this exchange can give feedback on reflections."),
            code="forbidden",
        )
    body = _body(body, MAX_FEEDBACK, _("Write your feedback first."))
    feedback = ReflectionFeedback(version_id=version.id, author_id=actor.id, body=body)
    db.session.add(feedback)
    db.session.flush()
    db.session.expire(version, ["feedback"])
    exchange = entry.prompt.exchange
    notify_user(
        entry.author,
        "reflection_feedback",
        {"lecturer": actor.name, "exchange": exchange.title, "version": version.number},
        endpoint="reflections.entry",
        values={"entry_id": entry.id},
    )
    log.info("user %s gave feedback on reflection version %s", actor.id, version.id)
    return feedback
