"""One matrix world for the whole package, built once, and the matrix that checks cells in it.

The package's app and database live as long as the package's tests; the harness puts the
database back after every request that changed it, so cells stay independent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coil.extensions import db, limiter
from tests.authorization.harness import Matrix
from tests.authorization.world import build
from tests.conftest import _empty_tables, make_app
from tests.factories import Factory


@pytest.fixture(scope="package")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("matrix") / "files"


@pytest.fixture(scope="package")
def matrix(database_url: str, storage: Path) -> Iterator[Matrix]:
    # cells send live events in quick succession: the per-person chat limit is not their subject
    app = make_app(database_url, STORAGE_PATH=str(storage), CHAT_RATE_LIMIT="10000 per second")
    with app.app_context():
        limiter.reset()
        try:
            world = build(Factory(db))
            db.session.remove()
            matrix = Matrix(app, world, storage)
            yield matrix
            matrix.close()
        finally:
            db.session.remove()
            _empty_tables()
            db.engine.dispose()


@pytest.fixture()
def app():
    """Not here: the root ``app`` fixture empties the database the whole package shares."""
    pytest.fail("tests in tests/authorization use the package's `matrix`, not `app` or `db`")
