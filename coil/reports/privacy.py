"""Partner students in a coordinator's reports: named, or under a stable pseudonym.

A coordinator's exports hold their own institution's students by name, and the students of
the partner institutions in the same exchanges under a pseudonym, unless every collaboration
agreement behind the exchange says, on both sides, that partners share student identities.

The pseudonym is an HMAC-SHA256 of the exchange id and the user id under a key derived from
the app's ``SECRET_KEY`` (or ``REPORTS_PSEUDONYM_KEY`` when set), written as eight characters
of Crockford's base 32 ("P-7K3Q9M2X"): the same student in the same exchange gets the same
pseudonym in every export, a different one in another exchange (so exports of two exchanges
cannot be joined on it), and nobody without the key can work it out from the user id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Iterator

from flask import current_app
from sqlalchemy import select

from coil.extensions import db
from coil.pairings.models import Proposal
from coil.reports.record import Record

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: read aloud without confusion
PURPOSE = b"coil.reports.pseudonym.v1"


def _key() -> bytes:
    secret = current_app.config.get("REPORTS_PSEUDONYM_KEY") or current_app.config["SECRET_KEY"]
    raw = secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(raw, PURPOSE, hashlib.sha256).digest()  # a key of its own, not SECRET_KEY


def pseudonym_key() -> bytes:
    """Return the key pseudonyms are made with (read it once per export)."""
    return _key()


#: base 32 digits as the standard alphabet writes them, and as Crockford's does
_TO_CROCKFORD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", CROCKFORD.encode())


def pseudonym(exchange_id: int, user_id: int, key: bytes | None = None) -> str:
    """Return the stable pseudonym of ``user_id`` in ``exchange_id`` (e.g. "P-7K3Q9M2X")."""
    message = f"{exchange_id}:{user_id}".encode()
    digest = hmac.digest(key if key is not None else _key(), message, "sha256")
    # the first 40 bits as 8 base-32 digits, most significant first
    return "P-" + base64.b32encode(digest[:5]).translate(_TO_CROCKFORD).decode()


def sharing_exchanges(exchange_ids: Iterable[int]) -> set[int]:
    """Return the exchanges among ``exchange_ids`` whose partners share student identities:
    every accepted proposal behind the exchange has both sides' agreement."""
    ids = list(exchange_ids)
    if not ids:
        return set()
    rows = db.session.execute(
        select(
            Proposal.exchange_id, Proposal.identities_by_proposer, Proposal.identities_by_recipient
        ).where(Proposal.exchange_id.in_(ids), Proposal.status == "accepted")
    )
    verdict: dict[int, bool] = {}
    for exchange_id, by_proposer, by_recipient in rows:
        verdict[exchange_id] = verdict.get(exchange_id, True) and by_proposer and by_recipient
    return {exchange_id for exchange_id, shared in verdict.items() if shared}


class Masker:
    """Hides the names of partner students in one run of records (the key read once)."""

    def __init__(self) -> None:
        self.key = _key()
        self.shared: dict[int, bool] = {}

    def apply(self, record: Record) -> Record:
        """Replace a partner student's name, e-mail and student number by a pseudonym, unless
        their exchange shares identities."""
        if not record.partner:
            return record
        if record.exchange_id not in self.shared:
            self.shared[record.exchange_id] = bool(sharing_exchanges([record.exchange_id]))
        if not self.shared[record.exchange_id]:
            record.name = pseudonym(record.exchange_id, record.user_id, self.key)
            record.email, record.student_number = "", None
        return record


def mask(records: Iterable[Record], masker: Masker | None = None) -> Iterator[Record]:
    """Yield ``records`` (ordered by exchange, own students before partners) with partner
    students masked; each exchange's partner students come sorted by the name shown, so that
    the order gives away nothing about who hides behind a pseudonym. Only one exchange's
    partner students are held at a time."""
    masker = masker or Masker()
    held: list[Record] = []
    for record in records:
        if held and held[0].exchange_id != record.exchange_id:
            yield from sorted(held, key=lambda r: r.name)
            held = []
        if record.partner:
            held.append(masker.apply(record))
        else:
            yield record
    yield from sorted(held, key=lambda r: r.name)
