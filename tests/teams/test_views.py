"""The team pages: who sees and changes what, the preview, infeasibility, publishing."""

from __future__ import annotations

import re

import pytest

from coil.accounts.models import Role
from coil.exchanges.models import Enrolment
from coil.notifications.models import Notification
from coil.teams import services
from coil.teams.models import Team
from tests.teams.builders import build_world, enrol


@pytest.fixture()
def tw(factory, db):
    world = build_world(factory, db)
    enrol(factory, db, world, "nl", 4)
    enrol(factory, db, world, "mx", 4)
    return world


def _form_teams(db, world, publish=False):
    services.propose(world.nl_lecturer, world.exchange, seed=1)
    if publish:
        services.publish(world.nl_lecturer, world.exchange)
    db.session.commit()


def _body(response):
    return response.get_data(as_text=True)


ROLES = ("member_lecturer", "other_lecturer", "coordinator", "student", "other_student", "anon")


def _login(auth, factory, world, role):
    if role == "anon":
        return
    user = {
        "member_lecturer": world.mx_lecturer,
        "other_lecturer": world.other_lecturer,
        "coordinator": world.nl_coordinator,
        "student": world.students["nl"][0],
    }.get(role) or factory.user(Role.STUDENT, world.nl, email="outside@example.org")
    assert auth.login(user.email).status_code == 302


MATRIX = {
    # role: (GET teams, GET my-team, POST propose)
    "member_lecturer": (200, 302, 302),
    "other_lecturer": (403, 403, 403),
    "coordinator": (200, 302, 403),
    "student": (403, 200, 403),
    "other_student": (403, 403, 403),
    "anon": (302, 302, 302),
}


@pytest.mark.parametrize("role", ROLES)
def test_access(client, auth, factory, db, tw, role):
    _form_teams(db, tw, publish=True)
    _login(auth, factory, tw, role)
    base = f"/exchanges/{tw.exchange.id}"
    teams, mine, propose = MATRIX[role]
    assert client.get(f"{base}/teams").status_code == teams
    assert client.get(f"{base}/my-team").status_code == mine
    # CSRF stays on: a token from a page every signed-in user can open
    token = _token(client, "/login" if role == "anon" else "/notifications/")
    response = client.post(f"{base}/teams/propose", data={"csrf_token": token})
    assert response.status_code == propose
    if role == "member_lecturer":  # refused: published teams are not formed again
        assert "/teams" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.query(Team).count() == 2


def _token(client, url):
    page = _body(client.get(url))
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_lecturer_forms_previews_adjusts_and_publishes(client, auth, db, tw, outbox):
    auth.login(tw.nl_lecturer.email)
    url = f"/exchanges/{tw.exchange.id}/teams"
    assert "No teams yet." in _body(client.get(url))
    assert auth.post(f"{url}/propose", {}, form_url=url).status_code == 302
    page = _body(client.get(url))
    assert "Team 1" in page and "Team 2" in page
    # the explanation: shared hours in UTC and in the viewer's zone, countries, courses
    assert "2 shared hours a week: Mon 15:00 to 17:00 UTC" in page
    assert "members from 2 countries" in page
    assert "Worst team score" in page and "Draft" in page
    db.session.expire_all()
    teams = services.draft(tw.exchange)
    member = teams[0].members[0].user_id
    response = auth.post(f"{url}/lock", {"user_ids-0": member, "locked": "y"}, form_url=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert services.draft(tw.exchange)[0].members[0].locked
    # a move that breaks a team: warned, and publishing is refused
    response = auth.post(f"{url}/move", {"user_id": member, "team": 2}, form_url=url)
    assert response.status_code == 302
    page = _body(client.get(url))
    assert "Hard constraints broken" in page
    assert auth.post(f"{url}/publish", {}, form_url=url).status_code == 302
    assert "Some teams break a hard constraint" in _body(client.get(url))
    db.session.expire_all()
    assert tw.exchange.teams_published_at is None
    auth.post(f"{url}/move", {"user_id": member, "team": 1}, form_url=url)
    assert auth.post(f"{url}/publish", {}, form_url=url).status_code == 302
    db.session.expire_all()
    assert tw.exchange.teams_published_at is not None
    assert db.session.query(Notification).filter_by(kind="teams_published").count() == 8
    auth.logout()

    student = tw.students["mx"][0]
    auth.login(student.email)
    page = _body(client.get(f"/exchanges/{tw.exchange.id}/my-team"))
    assert student.name in page and "(you)" in page
    assert "@" not in re.sub(r"<footer.*", "", page, flags=re.S).split("<main", 1)[1]


def test_viewer_time_zone_and_clock_change_are_shown(client, auth, factory, db, tw):
    tw.nl_lecturer.timezone = "Europe/Amsterdam"
    db.session.commit()
    _form_teams(db, tw)
    auth.login(tw.nl_lecturer.email)
    page = _body(client.get(f"/exchanges/{tw.exchange.id}/teams"))
    assert "Mon 16:00 to 18:00" in page  # CET, before 28 March
    assert "(from 29 Mar: Mon 17:00 to 19:00)" in page  # CEST


def test_infeasible_shows_the_diagnosis_and_a_one_click_relaxation(client, auth, db, tw):
    tw.exchange.min_shared_hours = 5
    db.session.commit()
    auth.login(tw.nl_lecturer.email)
    url = f"/exchanges/{tw.exchange.id}/teams"
    response = auth.post(f"{url}/propose", {}, form_url=url)
    page = _body(response)
    assert response.status_code == 422
    assert "No teams could be formed" in page and "Nothing was changed" in page
    assert "shared hours" in page and "NL student 1" in page
    assert db.session.query(Team).count() == 0
    form = re.search(r"<form[^>]*teams/settings[^>]*>(.*?)</form>", page, re.S)
    assert form and "Lower the minimum shared time to 2 hours a week" in form.group(1)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))
    assert fields["settings-min_shared_hours"] == "2.0"
    response = client.post(f"{url}/settings", data=fields)
    assert response.status_code == 302
    assert auth.post(f"{url}/propose", {}, form_url=url).status_code == 302
    db.session.expire_all()
    assert db.session.query(Team).count() == 2


def test_settings_form_validates(client, auth, db, tw):
    auth.login(tw.nl_lecturer.email)
    url = f"/exchanges/{tw.exchange.id}/teams"
    data = {
        "settings-team_size": "9",
        "settings-min_shared_hours": "1",
        "settings-min_level": "B1",
        **{f"settings-{k}": "1" for k in services.WEIGHT_KEYS},
    }
    response = auth.post(f"{url}/settings", data, form_url=url)
    assert response.status_code == 422
    assert "Number must be between 3 and 6" in _body(response)
    for enrolment in db.session.query(Enrolment).all()[:4]:
        enrolment.status = "dropped"
    db.session.commit()
    response = auth.post(f"{url}/settings", {**data, "settings-team_size": "5"}, form_url=url)
    assert response.status_code == 422
    assert "Teams of 5 need at least 5 students; 4 students are enrolled." in _body(response)
    db.session.expire_all()
    assert tw.exchange.team_size == 4


def test_late_joiner_and_drop_out_pages(client, auth, factory, db, tw):
    _form_teams(db, tw, publish=True)
    (late,) = enrol(factory, db, tw, "nl", 1)
    auth.login(tw.nl_lecturer.email)
    url = f"/exchanges/{tw.exchange.id}/teams"
    assert "Suggest a team" in _body(client.get(url))
    place = f"{url}/place/{late.id}"
    page = _body(client.get(place))
    assert "Best teams first" in page
    assert auth.post(place, {"team": 2}).status_code == 302
    db.session.expire_all()
    assert any(late.id in team for team in services.plan_of(tw.exchange))
    leave = f"{url}/leave/{late.id}"
    assert "No other student needs to move." in _body(client.get(leave))
    assert auth.post(leave, {}).status_code == 302
    db.session.expire_all()
    assert not any(late.id in team for team in services.plan_of(tw.exchange))


GARBAGE = [
    ("get", "/exchanges/999999/teams", None),
    ("get", "/exchanges/{id}/teams/place/99999999999999", None),
    ("get", "/exchanges/{id}/teams/place/999999", None),
    ("get", "/exchanges/{id}/teams/leave/999999", None),
    ("post", "/exchanges/{id}/teams/move", {"user_id": "abc", "team": "x"}),
    ("post", "/exchanges/{id}/teams/move", {"user_id": "99999999999999", "team": "1"}),
    ("post", "/exchanges/{id}/teams/move", {"user_id": "424242", "team": "1"}),
    ("post", "/exchanges/{id}/teams/swap", {"swap-a": "1", "swap-b": "junk"}),
    ("post", "/exchanges/{id}/teams/lock", {"user_ids-0": "-5"}),
    ("post", "/exchanges/{id}/teams/lock", {"user_ids-0": "777777", "locked": "y"}),
    ("post", "/exchanges/{id}/teams/place/999999", {"team": "1"}),
]


def test_garbage_is_never_a_server_error(client, auth, db, tw):
    _form_teams(db, tw)
    auth.login(tw.nl_lecturer.email)
    token = _token(client, f"/exchanges/{tw.exchange.id}/teams")
    for method, path, data in GARBAGE:
        url = path.format(id=tw.exchange.id)
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code in (302, 404), (method, path, data)
    db.session.expire_all()
    assert db.session.query(Team).count() == 2


def test_pages_render_in_dutch(client, auth, db, tw):
    tw.nl_lecturer.locale = "nl"
    tw.exchange.min_shared_hours = 5
    db.session.commit()
    auth.login(tw.nl_lecturer.email)
    url = f"/exchanges/{tw.exchange.id}/teams"
    assert auth.post(f"{url}/propose", {}, form_url=url).status_code == 422
    tw.exchange.min_shared_hours = 1
    db.session.commit()
    assert auth.post(f"{url}/propose", {}, form_url=url).status_code == 302
    page = _body(client.get(url))
    assert 'lang="nl"' in page and "ma 15:00" in page
