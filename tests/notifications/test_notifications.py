"""Notifications: stored, pushed live and mailed after commit; listed, opened and marked read."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from coil.accounts.models import Role
from coil.core.safety import site_url
from coil.notifications.kinds import render
from coil.notifications.models import Notification
from coil.notifications.services import notify_user
from tests.conftest import csrf_token

PARAMS = {"institution": "UT Valle", "their_course": "Global Marketing", "course": "Marketing"}


def _notify(db, user, kind="proposal_received", **kwargs):
    kwargs.setdefault("endpoint", "institutions.index")
    notification = notify_user(user, kind, PARAMS, **kwargs)
    db.session.commit()
    return notification


def test_notify_user_stores_then_pushes_and_mails_after_commit(app, db, factory, outbox, emitted):
    user = factory.user(Role.LECTURER, locale="nl")
    emitted.clear()
    notification = notify_user(user, "proposal_received", PARAMS, endpoint="institutions.index")
    assert db.session.get(Notification, notification.id).user_id == user.id
    emitted.assert_not_called()
    assert outbox == []
    db.session.commit()
    emitted.assert_called_once()
    assert emitted.before_commit == []
    assert emitted.call_args.args == (
        "notification",
        {
            "type": "notification",
            "op": "created",
            "id": notification.id,
            "kind": "proposal_received",
            "unread": 1,
        },
    )
    assert emitted.call_args.kwargs == {"to": f"user:{user.id}"}
    [mail] = outbox
    assert mail.to == [user.email]
    link = site_url("institutions.index")
    assert notification.link == link and link in mail.body
    with force_locale("nl"):  # the recipient's language, not the request's
        assert mail.subject == render("proposal_received", PARAMS)
    assert "UT Valle" in mail.subject


def test_a_rolled_back_notification_is_never_announced(app, db, factory, outbox, emitted):
    user = factory.user(Role.LECTURER)
    emitted.clear()
    notify_user(user, "proposal_received", PARAMS)
    db.session.rollback()
    db.session.commit()
    emitted.assert_not_called()
    assert outbox == []
    assert db.session.query(Notification).count() == 0


def test_mail_false_stores_without_mailing(app, db, factory, outbox):
    user = factory.user(Role.LECTURER)
    _notify(db, user, mail=False)
    assert outbox == []
    assert db.session.query(Notification).filter_by(user_id=user.id).count() == 1


def test_index_lists_own_newest_first_and_marks_unread_in_words(client, auth, factory, db):
    user, other = factory.user(Role.LECTURER), factory.user(Role.LECTURER)
    _notify(db, user, "proposal_accepted")
    _notify(db, user, "proposal_declined")
    _notify(db, other, "proposal_withdrawn")
    read = _notify(db, user, "agreement_changed")
    read.read_at = read.created_at
    db.session.commit()
    auth.login(user.email)
    page = client.get("/notifications/").get_data(as_text=True)
    changed = page.index("collaboration agreement")
    declined = page.index("was declined")
    accepted = page.index("was accepted")
    assert changed < declined < accepted, "newest first"
    assert "was withdrawn" not in page, "only one's own"
    assert page.count(">New</strong>") == 2
    assert "2 unread notifications" in page
    assert f'action="/notifications/{read.id}/open"' not in page, "read ones link directly"
    assert '<a href="/institutions/">' in page


def test_opening_marks_read_and_goes_to_the_page(client, auth, factory, db):
    user = factory.user(Role.LECTURER)
    notification = _notify(db, user, endpoint="institutions.show", values={"institution_id": 7})
    auth.login(user.email)
    response = auth.post(f"/notifications/{notification.id}/open", {}, "/notifications/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/institutions/7"
    db.session.refresh(notification)
    assert notification.read_at is not None


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/institutions/",
        "//evil.example/x",
        "javascript:alert(1)",
        "http://127.0.0.1:5000.evil.example/",
        None,
    ],
)
def test_opening_a_foreign_or_missing_link_goes_to_the_list(client, auth, factory, db, link):
    user = factory.user(Role.LECTURER)
    notification = _notify(db, user)
    notification.link = link
    db.session.commit()
    auth.login(user.email)
    response = auth.post(f"/notifications/{notification.id}/open", {}, "/notifications/")
    assert response.headers["Location"] == "/notifications/"
    db.session.refresh(notification)
    assert notification.read_at is not None


def test_someone_elses_notification_is_not_found_and_stays_unread(client, auth, factory, db):
    owner, intruder = factory.user(Role.LECTURER), factory.user(Role.COORDINATOR)
    notification = _notify(db, owner)
    auth.login(intruder.email)
    response = auth.post(f"/notifications/{notification.id}/open", {}, "/notifications/")
    assert response.status_code == 404
    assert auth.post("/notifications/2147483647/open", {}, "/notifications/").status_code == 404
    db.session.refresh(notification)
    assert notification.read_at is None


def test_opening_needs_post_and_a_csrf_token(client, auth, factory, db):
    user = factory.user(Role.LECTURER)
    notification = _notify(db, user)
    auth.login(user.email)
    assert client.get(f"/notifications/{notification.id}/open").status_code == 405
    assert client.post(f"/notifications/{notification.id}/open").status_code == 400
    db.session.refresh(notification)
    assert notification.read_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, factory, db):
    notification = _notify(db, factory.user(Role.LECTURER))
    token = csrf_token(client, "/login")
    for url in ("/notifications/", f"/notifications/{notification.id}/open", "/notifications/read"):
        if url == "/notifications/":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    db.session.refresh(notification)
    assert notification.read_at is None


def test_mark_all_read_touches_only_ones_own(client, auth, factory, db, emitted):
    user, other = factory.user(Role.LECTURER), factory.user(Role.LECTURER)
    mine = [_notify(db, user), _notify(db, user)]
    theirs = _notify(db, other)
    auth.login(user.email)
    emitted.clear()
    response = auth.post("/notifications/read", {}, "/notifications/")
    assert response.status_code == 302
    db.session.expire_all()
    assert all(db.session.get(Notification, n.id).read_at is not None for n in mine)
    assert db.session.get(Notification, theirs.id).read_at is None
    assert emitted.call_args.args[1] == {"type": "notification", "op": "read", "unread": 0}
    assert emitted.call_args.kwargs == {"to": f"user:{user.id}"}
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Mark all as read" not in page and ">New</strong>" not in page


BADGE = re.compile(r'class="notifications-link">[^<]*<span class="badge">(\d+)')


def test_header_badge_counts_unread(client, auth, factory, db):
    user = factory.user(Role.STUDENT)
    auth.login(user.email)
    assert BADGE.search(client.get("/").get_data(as_text=True)) is None
    first = _notify(db, user)
    _notify(db, user)
    _notify(db, user)
    match = BADGE.search(client.get("/").get_data(as_text=True))
    assert match and match.group(1) == "3"
    auth.post(f"/notifications/{first.id}/open", {}, "/notifications/")
    match = BADGE.search(client.get("/").get_data(as_text=True))
    assert match and match.group(1) == "2"
