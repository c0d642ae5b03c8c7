"""Schedule pages through the client: who sees what, forms, attendance, find a time."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from coil.accounts.models import AvailabilitySlot
from coil.schedule.models import Attendance, LiveSession
from tests.schedule.conftest import MEX


@pytest.fixture()
def sessions(world, db):
    whole = world.plan(title="Whole exchange kick-off")
    one = world.plan(team=world.team1, title="Tulips stand-up")
    two = world.plan(team=world.team2, title="Cacti stand-up")
    db.session.commit()
    return whole, one, two


def as_user(auth, user):
    if user is not None:
        response = auth.login(user.email)
        assert response.status_code == 302


@pytest.mark.parametrize(
    ("who", "index", "team1", "team2"),
    [
        ("nl_lecturer", 200, 200, 200),
        ("mx_lecturer", 200, 200, 200),
        ("coordinator", 200, 200, 200),
        ("anna", 200, 200, 403),
        ("carla", 200, 403, 200),
        ("outsider", 403, 403, 403),
        ("other_lecturer", 403, 403, 403),
    ],
)
def test_who_sees_the_schedule_and_each_session(
    world, sessions, client, auth, who, index, team1, team2
):
    as_user(auth, getattr(world, who))
    assert client.get(f"/sessions/exchange/{world.exchange.id}").status_code == index
    assert client.get(f"/sessions/{sessions[1].id}").status_code == team1
    assert client.get(f"/sessions/{sessions[2].id}").status_code == team2
    assert client.get(f"/sessions/{sessions[2].id}.ics").status_code == team2


def test_anonymous_visitors_are_sent_to_log_in(world, sessions, client):
    for url in (
        f"/sessions/exchange/{world.exchange.id}",
        f"/sessions/{sessions[0].id}",
        f"/sessions/{sessions[0].id}.ics",
        "/sessions/calendar",
        f"/sessions/exchange/{world.exchange.id}/findtime",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_student_lists_exchange_and_own_team_sessions_in_their_zone(
    world, sessions, client, auth
):
    as_user(auth, world.bruno)  # Mexico City, team 1
    page = client.get(f"/sessions/exchange/{world.exchange.id}").get_data(as_text=True)
    assert "Whole exchange kick-off" in page and "Tulips stand-up" in page
    assert "Cacti stand-up" not in page
    assert "Tue 23 Mar 2027, 07:00" in page  # 14:00 in Amsterdam
    assert "Tue 14:00 in Amsterdam" in page


def test_a_lecturer_plans_a_session_in_their_zone(world, client, auth, db):
    as_user(auth, world.mx_lecturer)
    url = f"/sessions/exchange/{world.exchange.id}/new"
    assert f'value="{MEX}"' in client.get(url).get_data(as_text=True)
    data = {
        "title": "Cultural dimensions",
        "team_id": "0",
        "day": "2027-03-23",
        "start": "07:00",
        "end": "08:30",
        "timezone": MEX,
        "location": "https://meet.example/abc",
        "description": "",
    }
    response = auth.post(url, data)
    assert response.status_code == 302
    session = db.session.scalar(select(LiveSession))
    assert session.starts_at.strftime("%Y-%m-%d %H:%M") == "2027-03-23 13:00"
    gap = auth.post(
        url,
        {
            **data,
            "timezone": "Europe/Amsterdam",
            "day": "2027-03-28",
            "start": "02:30",
            "end": "03:30",
        },
    )
    assert gap.status_code == 422 and "does not exist" in gap.get_data(as_text=True)
    backwards = auth.post(url, {**data, "end": "06:00"})
    assert backwards.status_code == 422 and "must end after it starts" in backwards.get_data(
        as_text=True
    )


def test_coordinators_read_but_do_not_plan(world, client, auth):
    as_user(auth, world.coordinator)
    url = f"/sessions/exchange/{world.exchange.id}/new"
    assert client.get(url).status_code == 403
    # No form is shown to them: post with a token from another page.
    response = auth.post(url, {"title": "x"}, form_url="/sessions/calendar")
    assert response.status_code == 403


def test_a_member_plans_for_their_own_team_only(world, client, auth, db):
    as_user(auth, world.anna)
    url = f"/sessions/exchange/{world.exchange.id}/new"
    form = client.get(url).get_data(as_text=True)
    assert "Tulips" in form and "Cacti" not in form and "The whole exchange" not in form
    data = {
        "title": "Sync",
        "day": "2027-03-23",
        "start": "18:00",
        "end": "19:00",
        "timezone": "Europe/Amsterdam",
    }
    assert auth.post(url, {**data, "team_id": str(world.team1.id)}).status_code == 302
    assert auth.post(url, {**data, "team_id": str(world.team2.id)}).status_code == 422
    assert auth.post(url, {**data, "team_id": "0"}).status_code == 422
    assert db.session.scalars(select(LiveSession.team_id)).all() == [world.team1.id]


def test_edit_and_cancel(world, sessions, client, auth, db):
    whole = sessions[0]
    whole_id = whole.id
    as_user(auth, world.nl_lecturer)
    edit = f"/sessions/{whole.id}/edit"
    assert 'value="14:00"' in client.get(edit).get_data(as_text=True)
    data = {
        "title": "Moved",
        "team_id": "0",
        "day": "2027-03-23",
        "start": "15:00",
        "end": "16:00",
        "timezone": "Europe/Amsterdam",
    }
    assert auth.post(edit, data).status_code == 302
    db.session.expire_all()
    assert db.session.get(LiveSession, whole.id).sequence == 1
    assert (
        auth.post(f"/sessions/{whole.id}/cancel", {}, form_url=f"/sessions/{whole.id}").status_code
        == 302
    )
    db.session.expire_all()
    assert whole_id not in db.session.scalars(select(LiveSession.id)).all()


def test_students_cannot_change_lecturers_sessions(world, sessions, client, auth):
    as_user(auth, world.anna)
    assert client.get(f"/sessions/{sessions[1].id}/edit").status_code == 403
    response = auth.post(
        f"/sessions/{sessions[1].id}/cancel", {}, form_url=f"/sessions/{sessions[1].id}"
    )
    assert response.status_code == 403


def test_attendance_is_marked_and_students_see_their_own(world, client, auth, db):
    session = world.plan(team=world.team1, day=date(2025, 1, 7))
    db.session.commit()
    as_user(auth, world.nl_lecturer)
    url = f"/sessions/{session.id}"
    data = {f"status-{world.anna.id}": "present", f"status-{world.bruno.id}": "excused"}
    assert auth.post(f"{url}/attendance", data, form_url=url).status_code == 302
    rows = {r.user_id: r.status for r in db.session.scalars(select(Attendance))}
    assert rows == {world.anna.id: "present", world.bruno.id: "excused"}
    auth.logout()
    as_user(auth, world.bruno)
    page = client.get(url).get_data(as_text=True)
    assert "Your attendance" in page and "excused" in page
    assert auth.post(f"{url}/attendance", data, form_url=url).status_code == 403


def test_find_a_time_for_a_team(world, client, auth, db):
    # Anna: Tue 14-17 Amsterdam; Bruno: Tue 07-10 Mexico City. Across 2027-03-28: 13-15 UTC.
    db.session.add_all(
        [
            AvailabilitySlot(
                user_id=world.anna.id, weekday=1, start_time=time(14), end_time=time(17)
            ),
            AvailabilitySlot(
                user_id=world.bruno.id, weekday=1, start_time=time(7), end_time=time(10)
            ),
        ]
    )
    db.session.commit()
    as_user(auth, world.bruno)
    page = client.get(f"/sessions/exchange/{world.exchange.id}/findtime").get_data(as_text=True)
    assert "13:00–15:00" in page  # UTC
    assert "07:00–09:00" in page  # Bruno's own zone
    assert "2 of 2 free" in page
    assert (
        client.get(
            f"/sessions/exchange/{world.exchange.id}/findtime?team={world.team2.id}"
        ).status_code
        == 403
    )
    auth.logout()
    as_user(auth, world.nl_lecturer)
    page = client.get(f"/sessions/exchange/{world.exchange.id}/findtime?team=0").get_data(
        as_text=True
    )
    assert "Not yet filled in:" in page and "Carla" in page and "Diego" in page
    auth.logout()
    as_user(auth, world.outsider)
    assert client.get(f"/sessions/exchange/{world.exchange.id}/findtime").status_code == 403
