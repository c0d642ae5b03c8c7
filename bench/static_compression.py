"""Bytes a browser downloads for the heaviest static files, as sent and compressed by the app.

    .venv/bin/python bench/static_compression.py

Asks a test client of the app for each file with ``Accept-Encoding: br``, ``gzip`` and none,
and prints the bytes on the wire, the saving, and how long making the compressed copy took
(once per file content; later requests read the stored copy).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FILES = [
    "/vendor/socket.io-client/socket.io.min.js",
    "/vendor/chart.js/chart.umd.min.js",
    "/vendor/chart.js/chart.umd.js",
    "/static/css/coil.css",
    "/static/js/room/render.js",
]


def main() -> None:
    from coil import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            COMPRESSED_ASSETS=folder, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.db"
        )
        client = app.test_client()
        print(f"{'file':44} {'plain':>8} {'gzip':>8} {'br':>8} {'saved':>6} {'first br':>9}")
        totals = [0, 0, 0]
        for url in FILES:
            sizes = []
            took = 0.0
            for accept in ("", "gzip", "br"):
                started = time.perf_counter()
                response = client.get(url, headers={"Accept-Encoding": accept} if accept else {})
                if accept == "br":
                    took = time.perf_counter() - started
                assert response.status_code == 200, url
                sizes.append(len(response.data))
                response.close()
            totals = [t + s for t, s in zip(totals, sizes, strict=True)]
            saved = 1 - sizes[2] / sizes[0]
            print(
                f"{url:44} {sizes[0]:8d} {sizes[1]:8d} {sizes[2]:8d} {saved:6.0%} "
                f"{took * 1000:7.0f}ms"
            )
        saved = 1 - totals[2] / totals[0]
        print(f"{'total':44} {totals[0]:8d} {totals[1]:8d} {totals[2]:8d} {saved:6.0%}")


if __name__ == "__main__":
    main()
