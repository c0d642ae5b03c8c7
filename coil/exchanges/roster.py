"""Read a class roster from CSV: pure parsing, no Flask, no database.

A roster has a header row naming at least ``name`` and ``email`` (``student_number`` is
optional). Spreadsheet programs in the Netherlands and much of Europe save CSV with ``;``,
others with ``,``: the delimiter is taken from the header line. The file must be UTF-8 (a BOM,
as Excel's "CSV UTF-8" writes, is fine); anything else is refused as a whole, because guessing
an encoding silently mangles names.

Problems come back as codes with parameters, so the caller words them in the reader's language.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_NAME = 120
MAX_EMAIL = 254
MAX_STUDENT_NUMBER = 40
REQUIRED = ("name", "email")
DELIMITERS = (";", ",", "\t")

# Header spellings seen in exports from LMSs and student information systems.
_ALIASES = {
    "name": "name",
    "full_name": "name",
    "fullname": "name",
    "naam": "name",
    "email": "email",
    "e_mail": "email",
    "mail": "email",
    "email_address": "email",
    "e_mail_address": "email",
    "student_number": "student_number",
    "studentnumber": "student_number",
    "student_no": "student_number",
    "student_id": "student_number",
    "studentnummer": "student_number",
}


class RosterFileError(Exception):
    """The file as a whole cannot be read; ``code`` says why, ``params`` give details."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One student from the file; ``line`` is the row number a spreadsheet shows (header = 1)."""

    line: int
    name: str
    email: str
    student_number: str | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one row cannot be imported: a code (``invalid_email``, ...) and its parameters."""

    line: int
    code: str
    value: str = ""


@dataclass(slots=True)
class Roster:
    """The readable rows and the row errors of one file."""

    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    delimiter: str = ","


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise RosterFileError("encoding")  # UTF-16/32, with or without a BOM
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterFileError("encoding") from None


def _column(header: str) -> str:
    key = re.sub(r"[\s\-.]+", "_", header.strip().strip('"').lower()).strip("_")
    return _ALIASES.get(key, key)


def sniff_delimiter(header_line: str) -> str:
    """Return the delimiter the header line uses most (``,`` when it holds none)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def normalise_email(email: str) -> str | None:
    """Return the address trimmed and lower-cased, or None when it is not a valid address."""
    email = email.strip()
    if not email or len(email) > MAX_EMAIL:
        return None
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return None
    return email.lower()


def parse_roster(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Roster:
    """Parse a CSV roster; raise RosterFileError when the file as a whole is unusable."""
    if len(data) > max_bytes:
        raise RosterFileError("too_large", max_mb=max_bytes // (1024 * 1024) or 1)
    text = _decode(data)
    if not text.strip():
        raise RosterFileError("empty")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    roster = Roster(delimiter=sniff_delimiter(first_line))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=roster.delimiter)
    try:
        header: list[str] | None = None
        seen: dict[str, int] = {}
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue  # blank lines, or a row of empty cells a spreadsheet left behind
            if header is None:
                header = [_column(cell) for cell in record]
                missing = [name for name in REQUIRED if name not in header]
                if missing:
                    raise RosterFileError("missing_columns", columns=missing)
                continue
            if len(roster.rows) + len(roster.errors) >= max_rows:
                raise RosterFileError("too_many_rows", max_rows=max_rows)
            _read_row(roster, reader.line_num, dict(zip(header, record, strict=False)), seen)
    except csv.Error as error:
        raise RosterFileError("unreadable", line=reader.line_num, detail=str(error)) from None
    if header is None:
        raise RosterFileError("empty")
    if not roster.rows and not roster.errors:
        raise RosterFileError("no_rows")
    return roster


def _read_row(roster: Roster, line: int, cells: dict[str, str], seen: dict[str, int]) -> None:
    name = " ".join((cells.get("name") or "").split())
    raw_email = (cells.get("email") or "").strip()
    number = (cells.get("student_number") or "").strip() or None
    if not name:
        roster.errors.append(RowError(line, "empty_name"))
        return
    if len(name) > MAX_NAME:
        roster.errors.append(RowError(line, "long_name", name[:40]))
        return
    if not raw_email:
        roster.errors.append(RowError(line, "empty_email"))
        return
    email = normalise_email(raw_email)
    if email is None:
        roster.errors.append(RowError(line, "invalid_email", raw_email[:80]))
        return
    if number is not None and len(number) > MAX_STUDENT_NUMBER:
        roster.errors.append(RowError(line, "long_student_number", number[:40]))
        return
    if email in seen:
        roster.errors.append(RowError(line, "duplicate_email", email))
        return
    seen[email] = line
    roster.rows.append(RosterRow(line, name, email, number))
