"""Pending translations from other branches are folded into the catalogues without overwriting."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog

from coil.core.catalogues import fold_pending, main, read_catalogue, write_catalogue


def _write(path: Path, entries: dict[object, object], locale: str = "nl") -> None:
    catalog = Catalog(locale=locale)
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_catalogue(path, catalog)


def _strings(path: Path) -> dict[object, object]:
    return {m.id: m.string for m in read_catalogue(path) if m.id}


def test_pending_entries_fill_empty_ones_and_the_used_file_goes(tmp_path):
    po = tmp_path / "nl" / "LC_MESSAGES" / "messages.po"
    _write(po, {"Save": "Opslaan", "Badges": "", ("%(num)d badge", "%(num)d badges"): ("", "")})
    pending = tmp_path / "pending" / "credentials.nl.po"
    plural = ("%(num)d badge", "%(num)d badges")
    _write(pending, {"Badges": "Badges", plural: plural})

    [report] = fold_pending(tmp_path)

    assert (report.folded, report.leftovers) == (2, [])
    assert not pending.exists()
    assert _strings(po) == {
        "Save": "Opslaan",
        "Badges": "Badges",
        ("%(num)d badge", "%(num)d badges"): ("%(num)d badge", "%(num)d badges"),
    }


def test_leftovers_keep_the_file_and_never_overwrite(tmp_path):
    po = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    _write(po, {"Save": "Guardar", "Home": ""}, locale="es")
    pending = tmp_path / "pending" / "home.es.po"
    _write(pending, {"Save": "Salvar", "Home": "Inicio", "Gone": "Ido", "Later": ""}, locale="es")

    [report] = fold_pending(tmp_path)

    assert report.folded == 1
    assert len(report.leftovers) == 3
    assert any("another translation" in line and "Save" in line for line in report.leftovers)
    assert any("not in the catalogue" in line and "Gone" in line for line in report.leftovers)
    assert any("untranslated" in line and "Later" in line for line in report.leftovers)
    assert pending.exists()
    assert _strings(po) == {"Save": "Guardar", "Home": "Inicio"}


def test_a_pending_file_for_a_language_without_catalogue_is_reported(tmp_path):
    _write(tmp_path / "pending" / "x.fr.po", {"Save": "Enregistrer"}, locale="fr")
    [report] = fold_pending(tmp_path)
    assert report.leftovers == ["no catalogue for fr"]


def test_check_command_passes_on_the_real_catalogues(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "nl/LC_MESSAGES/messages.po: 0 problem(s)" in out
    assert "es/LC_MESSAGES/messages.po: 0 problem(s)" in out
