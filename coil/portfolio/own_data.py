"""All of one person's own data, as JSON: every row they wrote or that is about them as owner.

The tables are found from the schema, not listed by hand: any column that points at
``users.id`` under an owner's name (``OWNER_COLUMNS``) marks a row as that person's. A domain
added later is therefore in the download on the day it lands, and erasure can walk the same
map. Secrets (password and token hashes) never leave, whatever table they are in. Rows in which
the person only appears as someone else's subject (a peer rated them, say) are not theirs to
download: that keeps peer evaluations anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Table, select

from coil.accounts.models import User
from coil.core.time import utcnow
from coil.extensions import Base, db

#: Column names that make a row the person's own.
OWNER_COLUMNS = frozenset(
    {
        "user_id",
        "author_id",
        "actor_id",
        "owner_id",
        "created_by_id",
        "uploaded_by_id",
        "drawn_by_id",
        "started_by_id",
        "student_id",
        "rater_id",
        "requested_by_id",
    }
)
#: Tables without an owner column whose rows belong to an owned row: table -> (column, parent).
PART_OF = {"reflection_versions": ("entry_id", "reflection_entries")}
#: Parts of column names that hold secrets; such columns are left out of every row.
SECRET_MARKS = ("password", "hash", "digest", "secret", "token")


@dataclass(frozen=True)
class OwnedTable:
    """A table holding rows of a person, and the columns that name the owner."""

    table: Table
    owners: tuple[Column[Any], ...]


def _points_at_users(column: Column[Any]) -> bool:
    return any(fk.column.table.name == "users" for fk in column.foreign_keys)


def owned_tables() -> list[OwnedTable]:
    """Return every table with an owner column that points at a user, in schema order."""
    found = []
    for table in Base.metadata.sorted_tables:
        owners = tuple(
            column
            for column in table.columns
            if column.name in OWNER_COLUMNS and _points_at_users(column)
        )
        if owners:
            found.append(OwnedTable(table, owners))
    return found


def is_secret(name: str) -> bool:
    """Tell whether a column holds a secret that a download must never contain."""
    return any(mark in name for mark in SECRET_MARKS)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _rows(table: Table, where: Any) -> list[dict[str, Any]]:
    columns = [column for column in table.columns if not is_secret(column.name)]
    primary = list(table.primary_key.columns)
    query = select(*columns).where(where).order_by(*primary)
    return [
        {key: _plain(value) for key, value in row._mapping.items()}
        for row in db.session.execute(query)
    ]


def own_data(user: User) -> dict[str, Any]:
    """Gather everything ``user`` owns, table by table (empty tables are left out)."""
    users = Base.metadata.tables["users"]
    tables: dict[str, list[dict[str, Any]]] = {"users": _rows(users, users.c.id == user.id)}
    for owned in owned_tables():
        where = owned.owners[0] == user.id
        for column in owned.owners[1:]:
            where = where | (column == user.id)
        rows = _rows(owned.table, where)
        if rows:
            tables[owned.table.name] = rows
    for name, (key, parent) in PART_OF.items():
        part, ids = Base.metadata.tables[name], [row["id"] for row in tables.get(parent, [])]
        if ids:
            tables[name] = _rows(part, part.c[key].in_(ids))
    return {
        "format": "coil-own-data/1",
        "generated_at": utcnow().isoformat(),
        "user_id": user.id,
        "tables": tables,
    }
