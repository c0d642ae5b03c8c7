"""Team spaces update live: a stored change sends ``space_changed`` to the space's people only,
after commit; a refused change sends nothing."""

from __future__ import annotations

import io
from typing import Any

from coil.core.channels import user_channel
from tests.conftest import socket_client
from tests.spaces.test_files import PDF


def _socket(app, login, user) -> Any:
    socket = socket_client(app, login(user).client)
    assert socket.is_connected()
    socket.get_received()  # what the connection itself brought
    return socket


def _changes(socket) -> list[dict[str, Any]]:
    return [p["args"][0] for p in socket.get_received() if p["name"] == "space_changed"]


def _task_id(db, space) -> int:
    from coil.spaces.models import Task

    db.session.expire_all()
    return db.session.query(Task).filter_by(space_id=space.id).one().id


def test_a_moved_task_reaches_the_teammate_and_the_lecturer_not_other_teams(
    app, login, world, db, emitted
):
    url = f"/spaces/{world.space.id}"
    anna = login(world.member)
    added = anna.post(f"{url}/tasks", {"title": "Survey", "assignee_id": "0"}, url)
    assert added.status_code == 302
    task_id = _task_id(db, world.space)
    dewi = _socket(app, login, world.teammate)
    lena = _socket(app, login, world.lecturer)
    bram = _socket(app, login, world.other_team)
    olga = _socket(app, login, world.outsider)
    emitted.clear()

    response = anna.post(f"{url}/tasks/{task_id}/move", {"status": "doing"}, url)
    assert response.status_code == 302

    expected = {
        "type": "space_changed",
        "op": "changed",
        "space_id": world.space.id,
        "part": "tasks",
        "by": world.member.id,
    }
    assert _changes(dewi) == [expected]
    assert _changes(lena) == [expected]
    assert _changes(bram) == [] and _changes(olga) == []
    sent = emitted.of("space_changed")
    assert sent and all(e.after_commit for e in sent)
    assert {e.to for e in sent} == {
        user_channel(u.id) for u in (world.member, world.teammate, world.lecturer)
    } | {user_channel(world.partner_lecturer.id)}
    for socket in (dewi, lena, bram, olga):
        socket.disconnect()


def test_a_saved_document_and_an_uploaded_file_name_their_part(app, login, world, db, storage_dir):
    dewi = _socket(app, login, world.teammate)
    anna = login(world.member)
    url = f"/spaces/{world.space.id}"
    response = anna.post(f"{url}/documents/new", {"title": "Plan", "body": "First draft"})
    assert response.status_code == 302
    assert [c["part"] for c in _changes(dewi)] == ["documents"]
    response = anna.post(f"{url}/files", {"file": (io.BytesIO(PDF), "plan.pdf")}, url)
    assert response.status_code == 302
    assert [c["part"] for c in _changes(dewi)] == ["files"]
    from coil.spaces.models import StoredFile

    stored = db.session.query(StoredFile).filter_by(filename="plan.pdf").one()
    assert anna.post(f"{url}/files/{stored.id}/delete", {}, url).status_code == 302
    assert [c["part"] for c in _changes(dewi)] == ["files"]
    dewi.disconnect()


def test_a_refused_change_announces_nothing(app, login, world, emitted):
    url = f"/spaces/{world.space.id}"
    emitted.clear()
    response = login(world.member).post(f"{url}/tasks", {"title": "", "assignee_id": "0"}, url)
    assert response.status_code == 422
    response = login(world.coordinator).post(f"{url}/tasks", {"title": "X"}, url)
    assert response.status_code == 403
    assert emitted.of("space_changed") == []


def test_the_space_page_loads_the_live_script_and_marks_its_parts(login, world):
    html = login(world.member).client.get(f"/spaces/{world.space.id}").get_data(as_text=True)
    assert "socket.io.min.js" in html and "js/space.js" in html
    for part in ("tasks", "documents", "files"):
        assert f'data-space-part="{part}"' in html
