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
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from flask_babel import gettext as _

from coil.reports.record import Record

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Column = tuple[str, str, Callable[[Any], Any]]  # (key, header, value of a row)


def neutralise(value: Any) -> Any:
    """Return ``value`` safe for a spreadsheet cell (text that looks like a formula quoted)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    """Return ``value`` as a CSV cell: text neutralised, a mapping as JSON, None empty."""
    kind = value.__class__
    if kind is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if kind is dict:
        return neutralise(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return "" if value is None else value


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


def write(fmt: str, path: Path, cols: list[Column], rows: Iterable[Any], progress: Progress) -> int:
    """Write ``rows`` to ``path`` in ``fmt``; call ``progress`` every few hundred rows."""
    writer = {"csv": _csv, "xlsx": _xlsx, "jsonl": _jsonl}[fmt]
    return writer(path, cols, _counted(rows, progress))


def _counted(rows: Iterable[Any], progress: Progress) -> Iterator[Any]:
    done = 0
    for done, row in enumerate(rows, start=1):
        yield row
        if done % 200 == 0:
            progress(done)
    progress(done)


def _csv(path: Path, cols: list[Column], rows: Iterable[Any]) -> int:
    count = 0
    getters = [get for _k, _h, get in cols]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([neutralise(header) for _k, header, _v in cols])
        for row in rows:
            writer.writerow([_cell(get(row)) for get in getters])
            count += 1
    return count


def _xlsx(path: Path, cols: list[Column], rows: Iterable[Any]) -> int:
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
        for c, (_k, _h, get) in enumerate(cols):
            value = get(row)
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
                sheet.write_string(count, c, _cell(value))
            else:
                sheet.write_string(count, c, neutralise(str(value)))
    sheet.autofilter(0, 0, count, len(cols) - 1)
    book.close()
    return count


def _jsonl(path: Path, cols: list[Column], rows: Iterable[Any]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            data = {key: get(row) for key, _h, get in cols}
            out.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
            count += 1
    return count
