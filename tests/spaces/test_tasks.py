"""The board: add, move, edit and delete tasks; due dates in each viewer's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from coil.spaces.models import Task


def _task(db, title):
    db.session.expire_all()
    return db.session.query(Task).filter_by(title=title).one()


def test_due_date_entered_in_jakarta_shows_in_amsterdam(login, world, db):
    url = f"/spaces/{world.space.id}"
    dewi = login(world.teammate)
    response = dewi.post(
        f"{url}/tasks",
        {
            "title": "Draft the survey",
            "description": "Five questions",
            "assignee_id": str(world.member.id),
            "due_date": "2027-03-10",
            "due_time": "09:00",
        },
        url,
    )
    assert response.status_code == 302
    task = _task(db, "Draft the survey")
    # 09:00 in Jakarta (UTC+7) is 02:00 UTC, 03:00 in Amsterdam (CET, before summer time).
    assert task.due_at == datetime(2027, 3, 10, 2, 0, tzinfo=UTC)
    assert task.assignee_id == world.member.id and task.status == "todo"

    html = login(world.member).client.get(url).get_data(as_text=True)
    assert 'datetime="2027-03-10T02:00:00+00:00"' in html
    assert "3/10/27, 3:00" in html
    assert "Anna" in html and "Five questions" in html
    assert "3/10/27, 9:00" in dewi.client.get(url).get_data(as_text=True)


def test_a_date_without_time_means_the_end_of_that_day(login, world, db):
    url = f"/spaces/{world.space.id}"
    login(world.member).post(
        f"{url}/tasks", {"title": "Hand in", "assignee_id": "0", "due_date": "2027-03-10"}, url
    )
    assert _task(db, "Hand in").due_at == datetime(2027, 3, 10, 22, 59, tzinfo=UTC)


def test_move_edit_and_delete(login, world, db):
    url = f"/spaces/{world.space.id}"
    anna = login(world.member)
    anna.post(f"{url}/tasks", {"title": "Interview", "assignee_id": "0"}, url)
    task = _task(db, "Interview")

    assert anna.post(f"{url}/tasks/{task.id}/move", {"status": "doing"}, url).status_code == 302
    assert _task(db, "Interview").status == "doing"
    html = anna.client.get(url).get_data(as_text=True)
    doing = html.split('id="column-doing"')[1].split('id="column-done"')[0]
    assert "Interview" in doing

    edit = f"{url}/tasks/{task.id}/edit"
    assert anna.client.get(edit).status_code == 200
    response = anna.post(
        edit,
        {
            "title": "Interview two people",
            "description": "",
            "assignee_id": str(world.teammate.id),
            "due_date": "2027-03-12",
            "due_time": "14:30",
        },
    )
    assert response.status_code == 302
    task = _task(db, "Interview two people")
    assert task.assignee_id == world.teammate.id
    assert task.due_at == datetime(2027, 3, 12, 13, 30, tzinfo=UTC)
    assert task.status == "doing" and task.updated_at is not None
    # The edit form shows the due time back in the viewer's zone.
    assert 'value="14:30"' in anna.client.get(edit).get_data(as_text=True)

    task_id = task.id
    assert anna.post(f"{url}/tasks/{task_id}/delete", {}, url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, task_id) is None


def test_bad_input_is_refused_with_messages(login, world, db):
    url = f"/spaces/{world.space.id}"
    anna = login(world.member)
    empty = anna.post(f"{url}/tasks", {"title": "", "assignee_id": "0"}, url)
    assert empty.status_code == 422
    stranger = anna.post(
        f"{url}/tasks", {"title": "X", "assignee_id": str(world.other_team.id)}, url
    )
    assert stranger.status_code == 422
    no_date = anna.post(
        f"{url}/tasks", {"title": "Y", "assignee_id": "0", "due_time": "10:00"}, url
    )
    assert no_date.status_code == 422
    assert "Give a date for the time" in no_date.get_data(as_text=True)
    assert anna.post(f"{url}/tasks/1/move", {"status": "lost"}, url).status_code in (302, 404)
    db.session.expire_all()
    assert db.session.query(Task).count() == 0


def test_tasks_of_another_space_are_not_reachable(login, world, db):
    url = f"/spaces/{world.exchange_space.id}"
    bram = login(world.other_team)
    bram.post(f"{url}/tasks", {"title": "Shared", "assignee_id": "0"}, url)
    task = _task(db, "Shared")
    anna = login(world.member)
    own = f"/spaces/{world.space.id}"
    assert anna.post(f"{own}/tasks/{task.id}/delete", {}, own).status_code == 404
    assert bram.post(f"{own}/tasks/{task.id}/delete", {}, url).status_code == 403
