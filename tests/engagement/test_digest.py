"""The daily digest: one notification per lecturer with warnings, once a day, by CLI too."""

from __future__ import annotations

from datetime import timedelta

from coil.cli import cli
from coil.engagement.models import DigestSent
from coil.engagement.services import send_digests
from coil.notifications.models import Notification
from tests.engagement.conftest import NOW


def digests(db):
    return db.session.scalars(
        db.select(Notification).where(Notification.kind == "engagement_digest")
    ).all()


def test_each_lecturer_gets_one_digest_a_day(world, db, outbox):
    assert send_digests(NOW) == 2
    db.session.commit()
    sent = digests(db)
    assert sorted(n.user_id for n in sent) == sorted([world["lena"].id, world["mateo"].id])
    assert sent[0].params == {"count": 6, "exchanges": "“Engaged”"}
    assert sent[0].link.endswith(f"/exchanges/{world.exchange.id}/engagement")
    assert len(outbox) == 2
    assert "Engagement digest: 6 early warnings in “Engaged”." in outbox[0].subject
    # again the same day: nothing more; the next day: again
    assert send_digests(NOW + timedelta(hours=5)) == 0
    db.session.commit()
    assert len(digests(db)) == 2
    assert send_digests(NOW + timedelta(days=1)) == 2
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(DigestSent)) == 4


def test_no_digest_outside_the_exchange_period(world, db):
    before = world.exchange.start_date - timedelta(days=1)
    assert send_digests(NOW.replace(year=before.year, month=before.month, day=before.day)) == 0
    assert send_digests(NOW.replace(month=5, day=1)) == 0  # the day after the end
    assert digests(db) == []


def test_the_cli_command_sends_and_is_idempotent(world, app, db, monkeypatch):
    from coil.core import time

    monkeypatch.setattr(time, "utcnow", lambda: NOW)
    runner = app.test_cli_runner()
    first = runner.invoke(cli, ["engagement-digest"])
    assert first.exit_code == 0, first.output
    assert "2 engagement digests sent" in first.output
    assert "0 engagement digests sent" in runner.invoke(cli, ["engagement-digest"]).output
    assert len(digests(db)) == 2


def test_the_servers_hourly_task_sends_once_a_day(world, app, db, monkeypatch):
    from coil.engagement import daily

    monkeypatch.setattr(daily, "utcnow", lambda: NOW)
    assert daily.digest_once(app) == 2
    assert daily.digest_once(app) == 0
    assert len(digests(db)) == 2
