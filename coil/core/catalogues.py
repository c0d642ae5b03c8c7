"""Keep the message catalogues whole: fold in other branches' pending translations, find gaps.

Engineers who add strings on their own branch do not edit coil/translations/<lang>/; they put
the Dutch and Spanish of their new msgids in ``coil/translations/pending/<branch>.<lang>.po``.
After a merge, ``make translations`` re-extracts messages.pot, updates every catalogue and then
runs ``python -m coil.core.catalogues fold``, which copies each pending translation into its
catalogue where that entry is still empty or fuzzy. A pending file whose every entry found its
place is deleted; one with leftovers (a msgid the code no longer has, or a catalogue that
already says something else) stays, and the leftovers are printed.

``python -m coil.core.catalogues check`` prints what tests/i18n checks: entries that are
untranslated or fuzzy, or whose placeholders differ from the msgid's.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

SOURCE_DIR = Path(__file__).resolve().parent.parent / "translations"
PENDING_NAME = re.compile(r"^(?P<branch>[\w.-]+)\.(?P<lang>[a-z]{2}(?:_[A-Z]{2})?)\.po$")
BRACES = re.compile(r"\{(\w*)\}")  # str.format / browser-side placeholders: {name}, {count}
NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")  # %(name)s, %(num)d


def placeholders(text: str) -> set[str]:
    """Name the placeholders of a message: ``%(name)s`` and ``{name}`` alike."""
    return {f"%({name})" for name in NAMED.findall(text)} | {
        f"{{{name}}}" for name in BRACES.findall(text)
    }


def _texts(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def is_translated(message: Message) -> bool:
    """Tell whether every form of an entry has a translation and none is marked fuzzy."""
    texts = _texts(message.string)
    return bool(texts) and all(texts) and not message.fuzzy


def read_catalogue(path: Path) -> Catalog:
    """Read a ``.po`` or ``.pot`` file."""
    with path.open("rb") as handle:
        return read_po(handle)


def write_catalogue(path: Path, catalog: Catalog) -> None:
    """Write a catalogue the way ``pybabel update`` does (same wrapping, no obsolete entries)."""
    with path.open("wb") as handle:
        write_po(handle, catalog, width=76, ignore_obsolete=True)


def catalogue_problems(catalog: Catalog) -> list[str]:
    """List every entry that is untranslated, fuzzy, or whose placeholders differ from the msgid."""
    problems = []
    for message in catalog:
        if not message.id:
            continue
        label = repr(message.id if isinstance(message.id, str) else message.id[0])
        if message.fuzzy:
            problems.append(f"fuzzy: {label}")
        elif not is_translated(message):
            problems.append(f"untranslated: {label}")
            continue
        # babel checks only that a translation uses no unknown %(name)s; a dropped one is as bad
        wanted = set().union(*(placeholders(text) for text in _texts(message.id)))
        for text in _texts(message.string):
            if placeholders(text) != wanted:
                problems.append(f"placeholders differ ({', '.join(sorted(wanted))}): {label}")
    # babel's checkers: %(name)s placeholders and their types, the number of plural forms
    for message, errors in catalog.check():
        label = repr(message.id if isinstance(message.id, str) else message.id[0])
        problems.extend(f"{error}: {label}" for error in errors)
    return problems


@dataclass
class FoldReport:
    """What folding one pending file did."""

    path: Path
    folded: int = 0
    leftovers: list[str] = field(default_factory=list)


def fold_file(pending: Path, catalog: Catalog) -> FoldReport:
    """Copy the translations of one pending file into ``catalog`` where its entries are empty."""
    report = FoldReport(pending)
    for message in read_catalogue(pending):
        if not message.id:
            continue
        label = repr(message.id if isinstance(message.id, str) else message.id[0])
        target = catalog.get(message.id, message.context)
        if not is_translated(message):
            report.leftovers.append(f"untranslated or fuzzy in the pending file: {label}")
        elif target is None:
            report.leftovers.append(f"not in the catalogue (re-extract first?): {label}")
        elif is_translated(target) and _texts(target.string) != _texts(message.string):
            report.leftovers.append(f"catalogue already has another translation: {label}")
        else:
            target.string = message.string
            target.flags.discard("fuzzy")
            report.folded += 1
    return report


def fold_pending(source: Path = SOURCE_DIR) -> list[FoldReport]:
    """Fold every ``pending/<branch>.<lang>.po`` into ``<lang>``; delete the files used up."""
    reports: list[FoldReport] = []
    by_language: dict[str, list[Path]] = {}
    for path in sorted((source / "pending").glob("*.po")):
        found = PENDING_NAME.match(path.name)
        if found:
            by_language.setdefault(found["lang"], []).append(path)
    for lang, paths in by_language.items():
        po_path = source / lang / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            reports.extend(FoldReport(p, leftovers=[f"no catalogue for {lang}"]) for p in paths)
            continue
        catalog = read_catalogue(po_path)
        for path in paths:
            report = fold_file(path, catalog)
            reports.append(report)
            if not report.leftovers:
                path.unlink()
        write_catalogue(po_path, catalog)
    return reports


def catalogue_paths(source: Path = SOURCE_DIR) -> Iterable[Path]:
    """Yield every language's ``messages.po``."""
    return sorted(source.glob("*/LC_MESSAGES/messages.po"))


def main(argv: list[str] | None = None) -> int:
    """Run ``fold`` or ``check`` from the command line; exit 1 when something is left to do."""
    parser = argparse.ArgumentParser(prog="python -m coil.core.catalogues", description=__doc__)
    parser.add_argument("action", choices=("fold", "check"))
    args = parser.parse_args(argv)
    status = 0
    if args.action == "fold":
        for report in fold_pending():
            print(f"{report.path.name}: {report.folded} folded")
            for line in report.leftovers:
                print(f"  left: {line}")
                status = 1
        return status
    for path in catalogue_paths():
        problems = catalogue_problems(read_catalogue(path))
        print(f"{path.relative_to(SOURCE_DIR)}: {len(problems)} problem(s)")
        for line in problems:
            print(f"  {line}")
        status = status or int(bool(problems))
    return status


if __name__ == "__main__":
    sys.exit(main())
