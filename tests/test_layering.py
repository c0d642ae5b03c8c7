"""What may import what: the contracts in pyproject.toml ([tool.importlinter]) hold.

Layers from core upward (a domain imports only those below it) and no import cycles, between
domains or between the modules of any package. The second test shows the same check failing on
a package that has a cycle, so a green first test means something.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_the_cycle_contract_catches_a_cycle(tmp_path, monkeypatch) -> None:
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from cyclic import b  # a lazy import counts\n")
    (package / "b.py").write_text("from cyclic import a\n")
    config = tmp_path / "contracts.toml"
    config.write_text(
        textwrap.dedent(
            """
            [tool.importlinter]
            root_package = "cyclic"

            [[tool.importlinter.contracts]]
            name = "No cycles"
            type = "acyclic_siblings"
            ancestors = ["cyclic"]
            """
        )
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "cyclic", raising=False)
    assert lint_imports(config_filename=str(config), no_cache=True) == 1
