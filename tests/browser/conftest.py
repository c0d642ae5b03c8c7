"""Real browsers against a real ``coil serve``: Debian's chromium, driven by Playwright.

The browser is the system's (``/usr/bin/chromium``, or ``COIL_TEST_CHROMIUM``); nothing is ever
downloaded. Without it, or without the playwright package, these tests skip, and fail when
``COIL_TEST_REQUIRE_SERVICES=1``. The server runs on a free loopback port with a fresh SQLite
database built by tests/browser/seed.py, and ``COIL_SITE_URL`` set to the URL the browser
opens, so the Socket.IO origin check passes as it would in production.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from coil import ROOT
from tests.browser.seed import PASSWORD, PEOPLE
from tests.conftest import need

CHROMIUM = Path(os.environ.get("COIL_TEST_CHROMIUM", "/usr/bin/chromium"))
COIL = [sys.executable, "-c", "from coil.cli import main; main()"]


@dataclass
class LiveServer:
    url: str
    room_id: int
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A ``coil serve`` process with two students of one published team and their room."""
    need("chromium (apt-get install chromium)", CHROMIUM.exists())
    instance = tmp_path_factory.mktemp("browser")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COIL_")}
    env.update(
        {
            "COIL_INSTANCE_PATH": str(instance),
            "PYTHONUNBUFFERED": "1",
            "COIL_LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.browser.seed"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert seeded.returncode == 0, seeded.stdout[-2000:] + seeded.stderr[-2000:]
    room_id = int(seeded.stdout.strip().splitlines()[-1])
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = instance / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [*COIL, "serve", "--port", str(port)],
            env={**env, "COIL_SITE_URL": url, "COIL_ASYNC_MODE": "threading"},
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(url, room_id, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"coil serve did not start:\n{server.tail()}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def chromium(live_server: LiveServer) -> Iterator[Any]:
    """Debian's chromium, headless."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        need("playwright (pip install -e '.[dev]')", False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            browser.close()


CSP_MARKER = "CSP violation:"
# Reported from the page itself too, in case a browser stops logging violations to the console.
CSP_REPORTER = (
    "document.addEventListener('securitypolicyviolation', (e) => console.error("
    f"'{CSP_MARKER} ' + e.violatedDirective + ' blocked ' + e.blockedURI));"
)


class Person:
    """One signed-in browser context and its page."""

    def __init__(self, browser: Any, server: LiveServer, who: str, **context: Any) -> None:
        self.email, self.name = PEOPLE[who]
        self.server = server
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # Pages run under the site's Content-Security-Policy: any violation fails the test.
        self.context.add_init_script(CSP_REPORTER)
        self.page.on("console", self._console)
        self.page.goto(server.url + "/login")
        self.page.fill("input[name=email]", self.email)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.locator("main form button[type=submit]").click()
        self.page.wait_for_url(server.url + "/")

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith(CSP_MARKER):
            self.errors.append(text)

    def open_room(self) -> Any:
        from playwright.sync_api import expect

        self.page.goto(f"{self.server.url}/rooms/{self.server.room_id}")
        expect(self.page.locator("#connection-text")).to_have_text("Connected")
        return self.page

    def send(self, text: str) -> None:
        box = self.page.locator("#composer-body")
        box.fill(text)
        box.press("Enter")

    def bodies(self) -> list[str]:
        """The text of every message in the list, top to bottom."""
        texts: list[str] = self.page.locator("#messages li.message .message-body").all_inner_texts()
        return [text.strip() for text in texts]

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def people(chromium: Any, live_server: LiveServer) -> Iterator[Any]:
    """Open a signed-in browser context per person: ``people("anna", "dewi")``."""
    opened: list[Person] = []

    def open_people(*names: str) -> list[Person]:
        for name in names:
            opened.append(Person(chromium, live_server, name, timezone_id="Europe/Amsterdam"))
        return opened[-len(names) :]

    yield open_people
    errors = [f"{p.name}: {e}" for p in opened for e in p.errors]
    for person in opened:
        person.close()
    assert not errors, (
        f"JavaScript errors or CSP violations: {errors}\nserver log:\n{live_server.tail()}"
    )
