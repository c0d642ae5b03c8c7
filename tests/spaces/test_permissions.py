"""Who sees and who changes a space: a matrix of people against the team and exchange spaces."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from coil.spaces.models import Task
from coil.spaces.permissions import can_edit_space, can_view_space

# person -> (GET team space, POST to team space, GET exchange space, POST to exchange space)
MATRIX = {
    "member": (200, 302, 200, 302),
    "teammate": (200, 302, 200, 302),
    "other_team": (403, 403, 200, 302),
    "dropped": (403, 403, 403, 403),
    "outsider": (403, 403, 403, 403),
    "foreign_lecturer": (403, 403, 403, 403),
    "lecturer": (200, 302, 200, 302),
    "partner_lecturer": (200, 302, 200, 302),
    "coordinator": (200, 403, 200, 403),
    "anonymous": ("login", "login", "login", "login"),
}


def _check(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), MATRIX.items(), ids=list(MATRIX))
def test_space_access(app, client, auth, login, world, db, who, expected):
    if who != "anonymous":
        auth = login(getattr(world, who))
    for index, space in enumerate((world.space, world.exchange_space)):
        url = f"/spaces/{space.id}"
        _check(auth.client.get(url), expected[index * 2])
        before = db.session.query(Task).count()
        # The token comes from a page anyone may open, so a refusal is the space's own doing.
        response = auth.post(f"{url}/tasks", {"title": "Sneaky", "assignee_id": "0"}, "/")
        _check(response, expected[index * 2 + 1])
        db.session.expire_all()
        added = expected[index * 2 + 1] == 302 and who != "anonymous"
        assert db.session.query(Task).count() - before == (1 if added else 0)


def test_unknown_space_is_404(login, world):
    assert login(world.member).client.get("/spaces/999999").status_code == 404


def test_team_space_stays_closed_to_students_until_teams_are_published(login, world, db):
    world.exchange.teams_published_at = None
    db.session.commit()
    assert login(world.member).client.get(f"/spaces/{world.space.id}").status_code == 403
    assert login(world.lecturer).client.get(f"/spaces/{world.space.id}").status_code == 200


def test_coordinator_reads_but_sees_no_forms(login, world):
    page = login(world.coordinator).client.get(f"/spaces/{world.space.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Add the task" not in html and "Upload" not in html


def test_anonymous_predicates_say_no(world):
    anonymous = AnonymousUserMixin()
    for space in (world.space, world.exchange_space):
        assert not can_view_space(anonymous, space)
        assert not can_edit_space(anonymous, space)


def test_coordinators_never_edit(world):
    assert can_view_space(world.coordinator, world.space)
    assert not can_edit_space(world.coordinator, world.space)
