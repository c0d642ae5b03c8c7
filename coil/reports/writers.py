"""Writing participation records as CSV, XLSX or JSON Lines, one record at a time.

CSV is UTF-8 with a byte-order mark (Excel then reads accents and non-Latin names right) and
RFC 4180 quoting; XLSX is written by XlsxWriter in constant-memory mode with typed cells
(dates as dates, numbers as numbers), the header row frozen and filtered. Text that a
spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage return) is
prefixed with an apostrophe in CSV and XLSX; JSON Lines keeps values as they are. A value that
is a mapping (a ledger event's details) is written as JSON text in CSV and XLSX, as an object in
JSON Lines. The writers take any rows: participation records, or the raw ledger's events.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from flask_babel import gettext as _

from coil.reports.record import Record

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FIRST = frozenset(FORMULA_STARTS)
Column = tuple[str, str, Callable[[Any], Any]]  # (key, header, value of a row)
Cells = Callable[[Any], Sequence[Any]]  # every value of a row at once, in column order


def neutralise(value: Any) -> Any:
    """Return ``value`` safe for a spreadsheet cell (text that looks like a formula quoted)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def columns(dimensions: Iterable[str], names: dict[str, str]) -> list[Column]:
    """Return the export's columns, headers in the current language."""
    fixed: list[Column] = [
        ("institution", _("Institution"), lambda r: r.institution),
        ("course", _("Course"), lambda r: r.course),
        ("name", _("Student"), lambda r: r.name),
        ("email", _("E-mail"), lambda r: r.email),
        ("student_number", _("Student number"), lambda r: r.student_number),
        ("exchange", _("Exchange"), lambda r: r.exchange),
        ("start_date", _("Start date"), lambda r: r.start_date),
        ("end_date", _("End date"), lambda r: r.end_date),
        ("partners", _("Partner institutions"), lambda r: r.partners),
        ("partner_countries", _("Partner countries"), lambda r: r.partner_countries),
        ("phases", _("Phases"), lambda r: r.phases),
        ("phases_completed", _("Phases completed"), lambda r: r.phases_completed),
        ("synchronous_hours", _("Synchronous hours"), lambda r: r.hours),
        ("sessions", _("Sessions attended"), lambda r: r.sessions),
        ("messages", _("Messages"), lambda r: r.messages),
        ("cross_replies", _("Messages across institutions"), lambda r: r.cross_replies),
        ("tasks_done", _("Tasks done"), lambda r: r.tasks_done),
        ("document_versions", _("Document versions"), lambda r: r.document_versions),
        ("reflections", _("Reflections submitted"), lambda r: r.reflections),
    ]
    per_dimension: list[Column] = []
    for key in dimensions:
        name = names.get(key, key)
        per_dimension += [
            (f"pre_{key}", _("%(dimension)s, before", dimension=name), _level("pre", key)),
            (f"post_{key}", _("%(dimension)s, after", dimension=name), _level("post", key)),
            (f"rating_{key}", _("%(dimension)s, lecturer", dimension=name), _level("rating", key)),
        ]
    tail: list[Column] = [
        ("peer_average", _("Peer evaluation average"), lambda r: r.peer_average),
        ("badges", _("Badges"), lambda r: "; ".join(r.badges)),
        ("completion", _("Completion"), lambda r: r.completion),
    ]
    return fixed + per_dimension + tail


def _level(which: str, key: str) -> Callable[[Record], Any]:
    return lambda r: getattr(r, which).get(key)


Progress = Callable[[int], None]


def write(
    fmt: str,
    path: Path,
    cols: list[Column],
    rows: Iterable[Any],
    progress: Progress,
    cells: Cells | None = None,
    json_text: Iterable[str] = (),
) -> int:
    """Write ``rows`` to ``path`` in ``fmt``; call ``progress`` every few hundred rows.

    ``cells`` (optional) returns a row's values in column order in one call, faster than one
    getter per column (the raw ledger's rows already are tuples); ``json_text`` names columns
    whose values are JSON text already (JSON Lines writes them as objects, without parsing).
    """
    if cells is None:
        getters = [get for _k, _h, get in cols]

        def cells(row: Any) -> list[Any]:
            return [get(row) for get in getters]

    counted = _counted(rows, progress)
    if fmt == "jsonl":
        return _jsonl(path, cols, counted, cells, frozenset(json_text))
    return {"csv": _csv, "xlsx": _xlsx}[fmt](path, cols, counted, cells)


def _counted(rows: Iterable[Any], progress: Progress) -> Iterator[Any]:
    done = 0
    for done, row in enumerate(rows, start=1):
        yield row
        if done % 200 == 0:
            progress(done)
    progress(done)


def _csv(path: Path, cols: list[Column], rows: Iterable[Any], cells: Cells) -> int:
    count = 0
    first, dict_ = _FIRST, dict
    with path.open("w", encoding="utf-8", newline="", buffering=1 << 20) as out:
        out.write("\ufeff")  # the byte-order mark ("utf-8-sig" would encode every write in Python)
        writer = csv.writer(out, lineterminator="\r\n")  # None is written as an empty cell
        writer.writerow([neutralise(header) for _k, header, _v in cols])
        for row in rows:
            # inline rather than a call per cell: this loop is the CSV export's cost
            writer.writerow(
                [
                    ("'" + v if v[:1] in first else v)
                    if v.__class__ is str
                    else (neutralise(_text(v)) if v.__class__ is dict_ else v)
                    for v in cells(row)
                ]
            )
            count += 1
    return count


def _xlsx(path: Path, cols: list[Column], rows: Iterable[Any], cells: Cells) -> int:
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(str(path), {**options, "remove_timezone": True})  # times are UTC
    sheet = book.add_worksheet()
    bold, day = book.add_format({"bold": True}), book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for c, (_k, header, _v) in enumerate(cols):
        sheet.write_string(0, c, neutralise(header), bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for c, value in enumerate(cells(row)):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(count, c, value, moment)
            elif isinstance(value, date):
                sheet.write_datetime(count, c, value, day)
            elif isinstance(value, bool):
                sheet.write_boolean(count, c, value)
            elif isinstance(value, int | float):
                sheet.write_number(count, c, value)
            elif isinstance(value, dict):
                sheet.write_string(count, c, neutralise(_text(value)))
            else:
                sheet.write_string(count, c, neutralise(str(value)))
    sheet.autofilter(0, 0, count, len(cols) - 1)
    book.close()
    return count


def _jsonl(
    path: Path, cols: list[Column], rows: Iterable[Any], cells: Cells, json_text: frozenset[str]
) -> int:
    keys = [key for key, _h, _v in cols]
    plain = [(i, key) for i, key in enumerate(keys) if key not in json_text]
    spliced = [(i, json.dumps(key)) for i, key in enumerate(keys) if key in json_text]
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
    count = 0
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        for row in rows:
            values = cells(row)
            line = encode({key: values[i] for i, key in plain})
            if spliced:  # JSON text from the database goes in as it is: an object, not a string
                parts = [f"{name}: {values[i] or 'null'}" for i, name in spliced]
                line = line[:-1] + (", " if plain else "") + ", ".join(parts) + "}"
            out.write(line + "\n")
            count += 1
    return count
