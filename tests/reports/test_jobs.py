"""Exports as huey jobs: queued after commit, announced live, run by an in-process consumer
on the default setup (SqliteHuey) and by a separate ``coil worker`` process on Redis."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from huey import RedisHuey, SqliteHuey
from sqlalchemy import select, update

from coil.core import tasks
from coil.core.channels import user_channel
from coil.core.time import utcnow
from coil.reports import jobs
from coil.reports.models import AuditEntry, ExportJob
from tests.conftest import REDIS_URL, need
from tests.reports.test_exports import start
from tests.servers import COIL
from tests.world import World


@pytest.fixture()
def cora(kopi: World, auth: Any) -> World:
    auth.login(kopi["cora"].email)
    return kopi


def statuses(db: Any) -> list[str]:
    db.session.rollback()  # a fresh read, and no lock held on SQLite while workers write
    found = list(db.session.scalars(select(ExportJob.status).order_by(ExportJob.id)))
    db.session.rollback()
    return found


def wait_for(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_queued_only_after_commit_and_announced_live(
    cora: World, client: Any, db: Any, app: Flask, emitted: Any
) -> None:
    huey = tasks.tasks_of(app).huey
    assert start(client, "csv", "?date_from=2027-05-01&date_to=2027-01-01").status_code == 303
    assert huey.pending_count() == 0  # refused: no row, so nothing for a worker either
    assert start(client, "csv").status_code == 302
    assert huey.pending_count() == 1
    emitted.clear()
    assert jobs.run_pending() == 1
    events = emitted.of("export")
    channel = user_channel(cora["cora"].id)
    assert {e.to for e in events} == {channel}
    assert events[0].data["op"] == "running"
    last = events[-1]
    # Anna and Bram, and Jakarta's Dewi under a pseudonym
    assert last.data["op"] == "done" and last.data["rows_done"] == 3 and last.after_commit
    assert statuses(db) == ["done"]


def test_a_job_delivered_twice_runs_once(cora: World, client: Any, db: Any, app: Flask) -> None:
    start(client, "csv")
    job_id = db.session.scalars(select(ExportJob.id)).one()
    tasks.enqueue("reports.export", job_id)  # a second delivery of the same job
    db.session.commit()
    assert jobs.run_pending() == 1
    assert statuses(db) == ["done"]


def test_default_setup_runs_several_jobs_in_process(
    cora: World, client: Any, db: Any, app: Flask
) -> None:
    app.config["JOBS_QUEUE"] = None  # what a fresh install has: huey embedded in SQLite
    tasks.init_app(app)
    huey = tasks.tasks_of(app).huey
    assert isinstance(huey, SqliteHuey)
    huey.flush()
    start(client, "csv")
    start(client, "xlsx")
    start(client, "jsonl")
    assert huey.pending_count() == 3
    consumer = tasks.start_consumer(app)
    assert consumer is not None
    try:
        wait_for(lambda: statuses(db) == ["done", "done", "done"])
    finally:
        consumer.stop(graceful=True)
    for job in db.session.scalars(select(ExportJob)):
        path = jobs.file_of(job)
        assert path is not None and path.exists() and job.checksum
    db.session.rollback()


@pytest.mark.redis
def test_redis_queue_is_run_by_a_separate_worker_process(
    cora: World, client: Any, db: Any, app: Flask, database_url: str
) -> None:
    need("Redis", bool(REDIS_URL))
    app.config["JOBS_QUEUE"] = REDIS_URL
    tasks.init_app(app)
    huey = tasks.tasks_of(app).huey
    assert isinstance(huey, RedisHuey)
    huey.flush()
    start(client, "csv")
    start(client, "xlsx")
    assert huey.pending_count() == 2  # waiting in Redis, not run by this process
    assert statuses(db) == ["queued", "queued"]
    env = {
        **os.environ,
        "COIL_DATABASE_URL": database_url,
        "COIL_JOBS_QUEUE": REDIS_URL,
        "COIL_INSTANCE_PATH": app.instance_path,
    }
    worker = subprocess.Popen(
        [*COIL, "worker", "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: statuses(db) == ["done", "done"] or worker.poll() is not None)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0]
    assert statuses(db) == ["done", "done"], output
    assert huey.pending_count() == 0
    assert "reports.export" in output  # the worker knew the task by name


def test_a_job_whose_worker_died_is_failed(cora: World, client: Any, db: Any) -> None:
    start(client, "csv")
    job = db.session.scalars(select(ExportJob)).one()
    job.status, job.progress_at = "running", utcnow() - timedelta(minutes=16)
    db.session.commit()
    jobs.expire_files()
    db.session.refresh(job)
    assert job.status == "failed" and job.error and "stopped" in job.error
    reasons = [e.details.get("reason") for e in db.session.scalars(select(AuditEntry))]
    assert "stalled" in reasons
    assert jobs.run_pending() == 0  # its queued message finds it ended: nothing runs


def test_a_cancel_as_the_file_is_finished_wins(
    cora: World, client: Any, db: Any, monkeypatch: Any
) -> None:
    start(client, "csv")
    written: list[Any] = []

    def cancelled_at_the_end(_fmt: str, path: Any, *_args: Any) -> int:
        path.write_text("all rows")
        written.append(path)
        with db.engine.begin() as connection:  # the person presses Cancel meanwhile
            connection.execute(update(ExportJob).values(status="cancelled"))
        return 2

    monkeypatch.setattr(jobs.writers, "write", cancelled_at_the_end)
    jobs.run_pending()
    job = db.session.scalars(select(ExportJob)).one()
    assert (job.status, job.file_name, job.checksum) == ("cancelled", None, None)
    assert written and not written[0].exists()
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "export.completed" not in actions
