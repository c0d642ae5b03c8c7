"""Exchange pages: who may open which (a role x route matrix), and the settings page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coil.accounts.models import Role
from coil.exchanges.models import ExchangeAttribute, ExchangePhase
from coil.exchanges.services import default_phases, ensure_phases, teaching_overlap
from tests.conftest import csrf_token

ANON, ENROLLED, STUDENT, LECTURER = "anonymous", "student enrolled", "student", "lecturer"
OUTSIDER, COORD, OTHER_COORD, ADMIN = "other lecturer", "coordinator", "other coordinator", "admin"
ROLES = (ANON, ENROLLED, STUDENT, LECTURER, OUTSIDER, COORD, OTHER_COORD, ADMIN)
LOGIN = "login"


def row(*statuses):
    return dict(zip(ROLES, statuses, strict=True))


#        anon   enrolled student lecturer outsider coord other  admin
MATRIX = {
    ("GET", "/exchanges/"): row(LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/exchanges/{x}"): row(LOGIN, 200, 403, 200, 403, 200, 403, 200),
    ("GET", "/exchanges/{x}/settings"): row(LOGIN, 403, 403, 200, 403, 200, 403, 200),
    ("POST", "/exchanges/{x}/settings"): row(LOGIN, 403, 403, 422, 403, 403, 403, 403),
    ("GET", "/exchanges/{x}/roster"): row(LOGIN, 403, 403, 200, 403, 200, 403, 200),
    ("POST", "/exchanges/{x}/join-links"): row(LOGIN, 403, 403, 422, 403, 403, 403, 403),
    ("POST", "/exchanges/{x}/roster/upload"): row(LOGIN, 403, 403, 422, 403, 403, 403, 403),
    ("POST", "/exchanges/{x}/enrolments/{e}/drop"): row(LOGIN, 403, 403, 302, 403, 403, 403, 403),
    ("GET", "/exchanges/{x}/profile"): row(LOGIN, 200, 403, 403, 403, 403, 403, 403),
    ("GET", "/exchanges/999999/settings"): row(LOGIN, 404, 404, 404, 404, 404, 404, 404),
}


@pytest.mark.parametrize("role", ROLES)
def test_route_access(client, auth, world, third_course, factory, role):
    """Log in once per role, then try every route (POSTs with a valid CSRF token, no data)."""
    za_lecturer, za_course = third_course
    people = {
        ENROLLED: world.nl_student,
        STUDENT: world.outsider,
        LECTURER: world.pair.nl_lecturer,
        OUTSIDER: za_lecturer,
        COORD: world.pair.mx_coordinator,
        OTHER_COORD: factory.user(Role.COORDINATOR, za_course.institution),
        ADMIN: factory.user(Role.ADMIN),
    }
    from coil.exchanges.models import Enrolment
    from coil.extensions import db

    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == world.nl_student.id))
    if role != ANON:
        assert auth.login(people[role].email).status_code == 302
    seen = {}
    token = csrf_token(client, "/")
    for (method, route), _expected in MATRIX.items():
        url = route.format(x=world.exchange.id, e=enrolment.id)
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        location = response.headers.get("Location", "")
        seen[(method, route)] = (
            LOGIN if response.status_code == 302 and "/login" in location else response.status_code
        )
    assert seen == {key: by_role[role] for key, by_role in MATRIX.items()}


def settings_data(world, **changes):
    start, end = world.exchange.start_date, world.exchange.end_date
    data = {"title": "Marketing across borders", "start_date": start, "end_date": end}
    for i, phase in enumerate(default_phases(start, end)):
        data |= {
            f"phases-{i}-key": phase.key,
            f"phases-{i}-title": "",
            f"phases-{i}-start_date": phase.start_date,
            f"phases-{i}-end_date": phase.end_date,
        }
    data.update(changes)
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}


def test_settings_page_proposes_the_default_phases_without_writing(client, auth, world, db):
    auth.login(world.pair.nl_lecturer.email)
    page = client.get(f"/exchanges/{world.exchange.id}/settings").get_data(as_text=True)
    assert "Getting to know each other" in page and "Reflection" in page
    assert db.session.scalars(select(ExchangePhase)).all() == []


def test_lecturer_saves_dates_phases_and_attributes(client, auth, world, db):
    auth.login(world.pair.mx_lecturer.email)
    url = f"/exchanges/{world.exchange.id}/settings"
    data = settings_data(
        world,
        **{
            "phases-3-title": "Looking back",
            "attributes-0-label": "Your major",
            "attributes-0-options": "Marketing, Law, Marketing ",
            "attributes-0-mode": "spread",
            "attributes-0-weight": "2",
        },
    )
    response = auth.post(url, data)
    assert response.status_code == 422  # the duplicate option
    assert "List each option once" in response.get_data(as_text=True)
    data["attributes-0-options"] = "Marketing, Law"
    assert auth.post(url, data).status_code == 302
    db.session.expire_all()
    phases = db.session.scalars(select(ExchangePhase).order_by(ExchangePhase.position)).all()
    assert [p.key for p in phases] == ["icebreaker", "comparison", "collaboration", "reflection"]
    assert phases[3].title == "Looking back"
    attribute = db.session.scalar(select(ExchangeAttribute))
    assert (attribute.key, attribute.options, attribute.weight) == (
        "your_major",
        ["Marketing", "Law"],
        2.0,
    )
    # dropping the last phase row and the attribute
    data |= {"phases-3-start_date": "", "phases-3-end_date": "", "attributes-0-label": ""}
    assert auth.post(url, data).status_code == 302
    db.session.expire_all()
    assert len(db.session.scalars(select(ExchangePhase)).all()) == 3
    assert db.session.scalars(select(ExchangeAttribute)).all() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start_date": "2020-01-01"}, "Choose dates between"),
        ({"end_date": "2030-01-01"}, "Choose dates between"),
        ({"phases-1-start_date": "FIRST"}, "must start after phase 1 ends"),
        ({"phases-0-start_date": "1999-01-01"}, "within the exchange"),
        ({"phases-2-end_date": ""}, "Give both dates of phase 3"),
        ({"phases-0-key": "party"}, "Phase 1 is not known"),
        ({"start_date": "not a date"}, "Not a valid date"),
        ({"attributes-0-label": "X", "attributes-0-key": "Bad Key!"}, "is not usable"),
        ({"title": ""}, "This field is required"),
    ],
)
def test_settings_refuse_bad_input_with_a_clear_message(client, auth, world, db, change, message):
    if change.get("phases-1-start_date") == "FIRST":
        change = {
            "phases-1-start_date": default_phases(
                world.exchange.start_date, world.exchange.end_date
            )[0].start_date.isoformat()
        }
    auth.login(world.pair.nl_lecturer.email)
    response = auth.post(f"/exchanges/{world.exchange.id}/settings", settings_data(world, **change))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(ExchangePhase)).all() == []


def test_ensure_phases_spreads_the_defaults_evenly(world, db):
    exchange = world.exchange
    exchange.start_date, exchange.end_date = date(2027, 3, 1), date(2027, 4, 11)
    phases = ensure_phases(exchange)
    assert [(p.start_date, p.end_date) for p in phases] == [
        (date(2027, 3, 1), date(2027, 3, 10)),
        (date(2027, 3, 11), date(2027, 3, 21)),
        (date(2027, 3, 22), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2027, 4, 11)),
    ]
    assert ensure_phases(exchange) == phases
    assert len(default_phases(date(2027, 3, 1), date(2027, 3, 2))) == 2
    assert teaching_overlap(exchange) == (date(2027, 2, 8), date(2027, 5, 21))
    assert exchange.end_date - exchange.start_date == timedelta(days=41)


def test_student_sees_own_course_phases_and_profile_link(client, auth, world):
    auth.login(world.mx_student.email)
    page = client.get(f"/exchanges/{world.exchange.id}").get_data(as_text=True)
    assert world.pair.mx_course.title in page
    assert "Your profile for team formation" in page
    assert "Agreements" not in page
