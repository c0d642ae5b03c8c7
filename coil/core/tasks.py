"""Background tasks on huey: embedded by default, on Redis when configured.

A domain declares a task with :func:`task` (and a recurring one with :func:`periodic`) under a
stable name, and queues it with :func:`enqueue`, which sends it only once the current
transaction commits (a worker never looks for a row that is not there yet, and a rollback
queues nothing). ``create_app`` builds one huey instance per application from
``JOBS_QUEUE``:

- unset (the default setup): ``SqliteHuey`` in ``instance/jobs.sqlite3``, consumed by worker
  threads inside ``coil serve`` / ``coil demo``; nothing else to install or start;
- ``redis://…`` (``COIL_JOBS_QUEUE``, or ``COIL_MESSAGE_QUEUE`` when that is Redis):
  ``RedisHuey``, consumed by the web processes and/or by ``coil worker`` on any machine that
  reaches Redis and the database;
- ``memory`` (tests): ``MemoryHuey``; nothing consumes it until a test calls
  :func:`run_pending`, so jobs run where and when the test says.

Every task runs inside an application context of its own, with its own database session.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from coil.core.events import after_commit
from coil.extensions import db

log = logging.getLogger(__name__)
EXTENSION_KEY = "coil_tasks"
_TASKS: dict[str, Callable[..., Any]] = {}
_PERIODIC: dict[str, tuple[Callable[[], Any], int]] = {}


def task(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare ``fn`` a background task called ``name`` (arguments must be plain data)."""

    def declare(fn: Callable[..., Any]) -> Callable[..., Any]:
        _TASKS[name] = fn
        return fn

    return declare


def periodic(name: str, minutes: int) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Declare ``fn`` a task every consumer runs every ``minutes`` minutes (idempotent)."""

    def declare(fn: Callable[[], Any]) -> Callable[[], Any]:
        _PERIODIC[name] = (fn, minutes)
        return fn

    return declare


@dataclass
class Tasks:
    """One application's huey instance and its task wrappers, by name."""

    huey: Huey
    wrappers: dict[str, Any] = field(default_factory=dict)


def make_huey(app: Flask) -> Huey:
    """Return the huey instance ``JOBS_QUEUE`` asks for (see the module's docstring)."""
    url = app.config.get("JOBS_QUEUE")
    if url == "memory":
        return MemoryHuey("coil", results=False)
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("coil", url=url, results=False)
    if url:
        raise ValueError(f"COIL_JOBS_QUEUE must be a redis:// URL or empty, got {url!r}")
    path = Path(app.instance_path) / "jobs.sqlite3"
    return SqliteHuey("coil", filename=str(path), results=False)


def init_app(app: Flask) -> None:
    """Build the application's huey instance and register every declared task with it."""
    huey = make_huey(app)
    tasks = Tasks(huey)
    for name, fn in _TASKS.items():
        tasks.wrappers[name] = huey.task(name=name)(_in_context(app, fn))
    for name, (fn, minutes) in _PERIODIC.items():
        schedule = crontab(minute=f"*/{minutes}")
        tasks.wrappers[name] = huey.periodic_task(schedule, name=name)(_in_context(app, fn))
    app.extensions[EXTENSION_KEY] = tasks


def _in_context(app: Flask, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def run(*args: Any) -> Any:
        with app.app_context():
            try:
                return fn(*args)
            finally:
                db.session.remove()

    return run


def tasks_of(app: Flask | None = None) -> Tasks:
    """Return the task registry of ``app`` (default: the current application)."""
    return (app or current_app).extensions[EXTENSION_KEY]  # type: ignore[no-any-return]


def enqueue(name: str, *args: Any) -> None:
    """Queue task ``name`` with ``args`` once the current transaction commits."""
    wrapper = tasks_of().wrappers[name]  # an unknown name fails now, inside the transaction
    after_commit(lambda: wrapper(*args))


def run_pending(app: Flask | None = None) -> list[Any]:
    """Run every queued task in this thread, oldest first; return what each returned.

    For tests (jobs run where the test says) and ``coil worker --once``; a consumer does the
    same continuously.
    """
    huey = tasks_of(app).huey
    results = []
    while (message := huey.dequeue()) is not None:
        results.append(huey.execute(message))
    return results


class EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """A huey consumer inside a web process: the server owns the signals (graceful stop)."""

    def _set_signal_handlers(self) -> None:
        pass


def start_consumer(app: Flask) -> Consumer | None:
    """Start ``JOBS_WORKERS`` worker threads (greenlets under gevent) in this process."""
    workers = app.config.get("JOBS_WORKERS", 2)
    huey = tasks_of(app).huey
    if workers < 1 or isinstance(huey, MemoryHuey):
        return None
    consumer = EmbeddedConsumer(huey, workers=workers, worker_type="thread", max_delay=2.0)
    consumer.start()
    log.info("%s background job workers in this process (%s)", workers, type(huey).__name__)
    return consumer


def run_consumer(app: Flask, workers: int) -> None:
    """Run a stand-alone consumer until SIGINT/SIGTERM (``coil worker``)."""
    huey = tasks_of(app).huey
    consumer = huey.create_consumer(workers=workers, worker_type="thread", max_delay=2.0)
    consumer.run()
