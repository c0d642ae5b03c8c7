"""Every interface language is complete: no untranslated or fuzzy entry, the same placeholders as
the msgid, and messages.pot holds exactly the strings the code marks for translation."""

from __future__ import annotations

from contextlib import chdir
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface

from coil.core.catalogues import SOURCE_DIR, catalogue_problems, read_catalogue
from coil.core.i18n import LANGUAGE_NAMES
from config import Config

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [lang for lang in Config().LANGUAGES if lang != "en"]


def _ids(catalog: Catalog) -> set[object]:
    return {(message.id, message.context) for message in catalog if message.id}


def test_every_configured_language_has_a_name_and_a_catalogue():
    assert tuple(LANGUAGE_NAMES) == Config().LANGUAGES
    assert TRANSLATED == ["nl", "es"]
    for lang in TRANSLATED:
        assert (SOURCE_DIR / lang / "LC_MESSAGES" / "messages.po").is_file()


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_is_complete_and_keeps_placeholders(lang):
    catalog = read_catalogue(SOURCE_DIR / lang / "LC_MESSAGES" / "messages.po")
    assert catalog.num_plurals == 2
    assert catalogue_problems(catalog) == []


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Extract the strings of the code now, exactly as ``make translations`` does."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    with chdir(ROOT):  # babel.cfg's patterns are relative to the project root
        CommandLineInterface().run(
            ["pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
             "--no-location", "--sort-output", "-o", str(out), "."]
        )  # fmt: skip
    return read_catalogue(out)


def test_messages_pot_is_up_to_date_with_the_code(extracted):
    template = read_catalogue(SOURCE_DIR / "messages.pot")
    missing = _ids(extracted) - _ids(template)
    stale = _ids(template) - _ids(extracted)
    assert not missing, f"new strings not in messages.pot, run `make translations`: {missing}"
    assert not stale, f"messages.pot has strings the code no longer uses: {stale}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_holds_exactly_the_template_strings(lang):
    template = _ids(read_catalogue(SOURCE_DIR / "messages.pot"))
    catalog = _ids(read_catalogue(SOURCE_DIR / lang / "LC_MESSAGES" / "messages.po"))
    assert template - catalog == set(), "run `make translations` to update the catalogue"
    assert catalog - template == set()


def _catalog(*entries: tuple[object, object, bool]) -> Catalog:
    catalog = Catalog(locale="nl")  # two plural forms, like both catalogues
    for msgid, msgstr, fuzzy in entries:
        catalog.add(msgid, msgstr, flags=["fuzzy"] if fuzzy else [])
    return catalog


@pytest.mark.parametrize(
    ("msgid", "msgstr", "fuzzy", "problem"),
    [
        ("Save", "", False, "untranslated"),
        ("Save", "Guardar", True, "fuzzy"),
        (("%(num)d week", "%(num)d weeks"), ("%(num)d semana", ""), False, "untranslated"),
        ("Hello %(name)s", "Hola", False, "placeholders differ"),
        ("Hello %(name)s", "Hola %(nombre)s", False, "placeholders differ"),
        ("Hello %(name)s", "Hola %(name)d", False, "incompatible format"),
        ("{name} is typing…", "{nombre} está escribiendo…", False, "placeholders differ"),
        (("%(num)d week", "%(num)d weeks"), ("una semana", "%(num)d semanas"), False, "differ"),
    ],
)
def test_problems_are_found(msgid, msgstr, fuzzy, problem):
    problems = catalogue_problems(_catalog((msgid, msgstr, fuzzy)))
    assert any(problem in line for line in problems), problems


def test_a_good_catalogue_has_no_problems():
    good = _catalog(
        ("Hello %(name)s", "Hola, %(name)s", False),
        (("%(num)d week", "%(num)d weeks"), ("%(num)d semana", "%(num)d semanas"), False),
        ("{name} is typing…", "{name} está escribiendo…", False),
        ("100%", "100 %", False),
    )
    assert catalogue_problems(good) == []
