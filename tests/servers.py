"""Real ``coil serve`` processes for the tests that need a server over the network."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import requests

COIL = [sys.executable, "-c", "from coil.cli import main; main()"]


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One ``coil serve`` process on a free loopback port, waited for until it answers."""

    def __init__(self, env: dict[str, str], mode: str, **extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output = ""
        self.env = {**env, "COIL_ASYNC_MODE": mode, "COIL_SITE_URL": self.url, **extra}
        self.process = subprocess.Popen(
            [*COIL, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
            if self.process.poll() is not None:
                break
        self.stop()
        raise AssertionError(f"server in {mode} mode did not start: {self.output}")

    def stop(self) -> None:
        """Stop the process gracefully (SIGTERM) and keep what it printed."""
        self.process.terminate()
        self._collect()

    def kill(self) -> None:
        """End the process abruptly (SIGKILL), as a crash or an OOM kill would."""
        self.process.kill()
        self._collect()

    def _collect(self) -> None:
        try:
            self.output = self.process.communicate(timeout=10)[0]
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.output = self.process.communicate()[0]
