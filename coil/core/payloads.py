"""The one boundary every Socket.IO payload crosses before a handler reads it.

Each event declares its fields (:func:`coil.core.sockets.socket_event` ``fields=``): an id, a
number in a range, a flag, a text, a list of ids. :func:`check_payload` refuses, with the
``malformed`` code, a payload that is not an object or has a declared field of the wrong type or
out of range: ids outside the database's integer range (negatives included), numbers beyond
their documented bounds (never silently clamped), and texts the database cannot store (lone
surrogates, which do not encode as UTF-8, and NUL characters, which PostgreSQL refuses).
Lengths and blank texts stay with the services, which answer ``too_long`` and ``empty``.
Fields a handler does not declare are ignored, so nothing undeclared ever reaches a query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from coil.core.errors import ServiceError

DB_ID_MAX = 2**31 - 1  # ids are INTEGER columns: 1 .. 2^31 - 1


def malformed(what: str | None = None) -> ServiceError:
    """Return the error for a payload that cannot be read."""
    return ServiceError(what or _("The request could not be read."), code="malformed")


def storable(text: str) -> bool:
    """Tell whether ``text`` can be stored: valid UTF-8 (no lone surrogates) and no NUL."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Field:
    """What one payload field may hold; ``None`` (or absence) is allowed unless ``required``."""

    check: Callable[[Any], bool]
    required: bool = False
    describe: str = ""


def Id(*, required: bool = False, zero: bool = False) -> Field:
    """A database id (``zero``: 0 is allowed too, meaning "from the start")."""
    low = 0 if zero else 1
    return Field(lambda v: _is_int(v) and low <= v <= DB_ID_MAX, required, f"id>={low}")


def Int(low: int, high: int, *, required: bool = False) -> Field:
    """A whole number from ``low`` to ``high``, both included."""
    return Field(lambda v: _is_int(v) and low <= v <= high, required, f"{low}..{high}")


def Flag() -> Field:
    """``true`` or ``false``."""
    return Field(lambda v: isinstance(v, bool), False, "bool")


def Text(*, required: bool = False) -> Field:
    """A string the database can store (lengths are the service's to check)."""
    return Field(lambda v: isinstance(v, str) and storable(v), required, "text")


def Ids(most: int) -> Field:
    """A list of at most ``most`` database ids."""
    return Field(
        lambda v: (
            isinstance(v, list)
            and len(v) <= most
            and all(_is_int(i) and 1 <= i <= DB_ID_MAX for i in v)
        ),
        False,
        f"ids<={most}",
    )


Fields = Mapping[str, Field]


def check_payload(payload: Any, fields: Fields) -> dict[str, Any]:
    """Return ``payload`` if it is an object whose declared ``fields`` hold what they may.

    Raises ``malformed`` otherwise. A field set to ``null`` counts as absent.
    """
    if not isinstance(payload, dict):
        raise malformed()
    for key, field in fields.items():
        value = payload.get(key)
        if value is None:
            if field.required:
                raise malformed()
            continue
        if not field.check(value):
            raise malformed()
    return payload
