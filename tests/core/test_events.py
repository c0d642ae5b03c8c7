"""Live events and mail leave the process only after the transaction commits."""

from __future__ import annotations

from coil.core.events import after_commit, notify


def test_actions_run_after_commit_only(app, db):
    ran: list[str] = []
    after_commit(lambda: ran.append("first"))
    assert ran == []
    db.session.commit()
    assert ran == ["first"]
    db.session.commit()
    assert ran == ["first"], "an action runs once"


def test_rollback_discards_queued_actions(app, db):
    ran: list[str] = []
    after_commit(lambda: ran.append("lost"))
    db.session.rollback()
    db.session.commit()
    assert ran == []


def test_notify_emits_to_each_room_with_type_and_op(app, db, emitted):
    notify("invitation", "created", {"id": 7}, ["user:1", "institution:2"])
    emitted.assert_not_called()
    db.session.commit()
    assert [c.kwargs["to"] for c in emitted.call_args_list] == ["user:1", "institution:2"]
    assert emitted.call_args.args == (
        "invitation",
        {"type": "invitation", "op": "created", "id": 7},
    )
    assert [(e.to, e.after_commit) for e in emitted.events] == [
        ("user:1", True),
        ("institution:2", True),
    ]


def test_the_emitted_fixture_tells_an_emit_outside_the_commit_hook(app, emitted):
    """``emitted.before_commit`` catches an event sent straight away instead of queued."""
    from coil.extensions import socketio

    socketio.emit("stray", {"type": "stray"}, to="user:1")
    assert [e.event for e in emitted.before_commit] == ["stray"]


def test_a_rejected_form_sends_no_mail(client, factory, outbox):
    """A view that answers 4xx rolls back, and the mail queued with its writes is dropped."""
    from coil.accounts.models import Role
    from tests.conftest import AuthActions

    institution = factory.institution()
    lecturer = factory.user(Role.LECTURER, institution)
    auth = AuthActions(client)
    auth.login(lecturer.email)
    response = auth.post(
        "/invitations",
        {
            "role": "student",
            "institution_id": str(institution.id),
            "email": "x@uni.example",
            "max_uses": "0",
            "days": "7",
        },
    )
    assert response.status_code == 422
    assert outbox == []
