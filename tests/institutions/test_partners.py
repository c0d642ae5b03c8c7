"""Partner vetting: coordinators mark institutions as vetted or not for pairing, and why."""

from __future__ import annotations

from datetime import date, time

import pytest

from coil.accounts.models import Role
from coil.core.errors import ServiceError
from coil.courses import partner_search
from coil.courses.services import CourseData, Meeting, create_course
from coil.institutions.models import PartnerRelation
from coil.institutions.services import remove_partner_relation, set_partner_relation
from tests.conftest import csrf_token

ANON, STUDENT, LECTURER, COORD, OTHER_COORD, ADMIN = (
    "anonymous",
    "student",
    "lecturer",
    "coordinator",
    "other coordinator",
    "admin",
)
LOGIN = "login"
ACCESS = {ANON: LOGIN, STUDENT: 403, LECTURER: 403, COORD: 200, OTHER_COORD: 403, ADMIN: 200}
WRITE = {ANON: LOGIN, STUDENT: 403, LECTURER: 403, COORD: 302, OTHER_COORD: 403, ADMIN: 302}


@pytest.fixture()
def world(factory):
    own = factory.institution(name="Hogeschool Amstelland")
    other = factory.institution(
        name="Universidad del Valle", country="MX", timezone="America/Mexico_City"
    )
    third = factory.institution(name="Universitas Surabaya", country="ID", timezone="Asia/Jakarta")
    people = {
        STUDENT: factory.user(Role.STUDENT, own),
        LECTURER: factory.user(Role.LECTURER, own),
        COORD: factory.user(Role.COORDINATOR, own, name="Coordinator Own"),
        OTHER_COORD: factory.user(Role.COORDINATOR, other),
        ADMIN: factory.user(Role.ADMIN),
    }
    return {"own": own, "other": other, "third": third, "people": people}


def _login(auth, world, role):
    if role != ANON:
        assert auth.login(world["people"][role].email).status_code == 302


def _expect(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:400]


def _count(db):
    db.session.expire_all()
    return db.session.query(PartnerRelation).count()


@pytest.mark.parametrize(("role", "expected"), ACCESS.items())
def test_partners_page_access(client, auth, world, role, expected):
    _login(auth, world, role)
    _expect(client.get(f"/institutions/{world['own'].id}/partners"), expected)


def test_unknown_institution_is_404(client, auth, world):
    _login(auth, world, ADMIN)
    assert client.get("/institutions/2147483647/partners").status_code == 404


@pytest.mark.parametrize(("role", "expected"), WRITE.items())
def test_saving_a_decision_access(client, auth, world, db, role, expected):
    _login(auth, world, role)
    response = client.post(
        f"/institutions/{world['own'].id}/partners",
        data={
            "csrf_token": csrf_token(client, "/password/forgot"),
            "partner_id": str(world["third"].id),
            "kind": "block",
            "reason": "No data-protection agreement yet.",
        },
    )
    _expect(response, expected)
    assert _count(db) == (1 if expected == 302 else 0)


@pytest.mark.parametrize(("role", "expected"), WRITE.items())
def test_removing_a_decision_access(client, auth, world, db, role, expected):
    relation = set_partner_relation(
        world["people"][ADMIN], world["own"], world["third"], "allow", ""
    )
    db.session.commit()
    _login(auth, world, role)
    response = client.post(
        f"/institutions/{world['own'].id}/partners/{relation.id}/remove",
        data={"csrf_token": csrf_token(client, "/password/forgot")},
    )
    _expect(response, expected)
    assert _count(db) == (0 if expected == 302 else 1)


def test_a_decision_is_removed_only_under_its_own_institution(client, auth, world, db):
    theirs = set_partner_relation(
        world["people"][OTHER_COORD], world["other"], world["third"], "allow", ""
    )
    db.session.commit()
    _login(auth, world, COORD)
    url = f"/institutions/{world['own'].id}/partners/{theirs.id}/remove"
    response = auth.post(url, {}, f"/institutions/{world['own'].id}/partners")
    assert response.status_code == 404
    assert _count(db) == 1


def test_coordinator_blocks_changes_and_removes(client, auth, world, db):
    own, third = world["own"], world["third"]
    _login(auth, world, COORD)
    url = f"/institutions/{own.id}/partners"
    response = auth.post(
        url, {"partner_id": third.id, "kind": "block", "reason": "Unclear accreditation."}
    )
    assert response.status_code == 302 and response.headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    assert "Universitas Surabaya" in page and "Indonesia" in page
    assert "Not for pairing" in page and "Unclear accreditation." in page
    assert "Coordinator Own" in page
    form = client.get(f"{url}?partner={third.id}").get_data(as_text=True)
    assert "Unclear accreditation.</textarea>" in form

    assert auth.post(url, {"partner_id": third.id, "kind": "allow", "reason": ""}).status_code
    relation = db.session.query(PartnerRelation).one()
    assert (relation.kind, relation.reason) == ("allow", "")

    response = auth.post(f"{url}/{relation.id}/remove", {}, url)
    assert response.status_code == 302
    assert _count(db) == 0


def test_the_blocked_side_sees_who_without_the_reason(client, auth, world, db):
    set_partner_relation(
        world["people"][OTHER_COORD], world["other"], world["own"], "block", "Secret reason."
    )
    db.session.commit()
    _login(auth, world, COORD)
    page = client.get(f"/institutions/{world['own'].id}/partners").get_data(as_text=True)
    section = page[page.index("Institutions that do not pair with you") :]
    assert "Universidad del Valle" in section
    assert "Secret reason." not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "block", "reason": "  "}, "reason", "Say why you do not pair with this"),
        ({"kind": ""}, "kind", "Choose a decision."),
        ({"kind": "maybe"}, "kind", "Not a valid choice"),
        ({"partner_id": "0"}, "partner_id", "Choose an institution."),
        ({"partner_id": "own"}, "partner_id", "Not a valid choice"),
        ({"partner_id": "suspended"}, "partner_id", "Not a valid choice"),
        ({"reason": "x" * 1001}, "reason", "cannot be longer than 1000 characters"),
    ],
)
def test_bad_decisions_are_explained_and_nothing_is_written(
    client, auth, world, factory, db, data, field, message
):
    suspended = factory.institution(name="Suspended College", status="suspended")
    ids = {"own": world["own"].id, "suspended": suspended.id}
    _login(auth, world, COORD)
    values = {"partner_id": world["third"].id, "kind": "allow", "reason": "", **data}
    values["partner_id"] = ids.get(values["partner_id"], values["partner_id"])
    response = auth.post(f"/institutions/{world['own'].id}/partners", values)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page[page.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</p>")]
    assert _count(db) == 0


def test_service_refusals(world, factory, db):
    coordinator, own, third = world["people"][COORD], world["own"], world["third"]
    suspended = factory.institution(status="suspended")
    cases = [
        (world["people"][LECTURER], own, third, "allow", "", None),
        (world["people"][OTHER_COORD], own, third, "allow", "", None),
        (coordinator, own, own, "allow", "", "partner_id"),
        (coordinator, own, suspended, "allow", "", "partner_id"),
        (coordinator, own, third, "maybe", "", "kind"),
        (coordinator, own, third, "block", " \n ", "reason"),
        (coordinator, own, third, "block", "x" * 1001, "reason"),
    ]
    for actor, institution, partner, kind, reason, field in cases:
        with pytest.raises(ServiceError) as refused:
            set_partner_relation(actor, institution, partner, kind, reason)
        assert refused.value.field == field
    relation = set_partner_relation(coordinator, own, third, "allow", "")
    with pytest.raises(ServiceError):
        remove_partner_relation(world["people"][OTHER_COORD], relation)
    assert _count(db) == 1


def test_setting_twice_updates_the_one_decision(world, db):
    coordinator, admin = world["people"][COORD], world["people"][ADMIN]
    first = set_partner_relation(coordinator, world["own"], world["third"], "allow", "Known.")
    second = set_partner_relation(admin, world["own"], world["third"], "block", " Changed. ")
    assert first.id == second.id and _count(db) == 1
    assert (second.kind, second.reason, second.created_by_id) == ("block", "Changed.", admin.id)


# Matching -------------------------------------------------------------------------------------


def _m(weekday: int, start: str, end: str) -> Meeting:
    return Meeting(weekday, time.fromisoformat(start), time.fromisoformat(end))


AMSTERDAM_COURSE = CourseData(
    title="International Marketing",
    timezone="Europe/Amsterdam",
    first_day=date(2027, 2, 8),
    last_day=date(2027, 6, 25),
    meetings=[_m(1, "14:00", "15:30"), _m(3, "15:00", "17:00")],
    working_languages=[("en", "B2")],
    isced_codes=["0414"],
    exchange_weeks=6,
    outcome_tags=["intercultural communication", "market research"],
    discipline_preference="same",
    status="open",
)
MEXICO_COURSE = CourseData(
    title="Global Marketing",
    timezone="America/Mexico_City",
    first_day=date(2027, 1, 18),
    last_day=date(2027, 5, 21),
    blocked_periods=[(date(2027, 3, 22), date(2027, 3, 26))],
    meetings=[_m(1, "07:00", "08:30"), _m(3, "08:00", "10:00")],
    working_languages=[("en", "B2"), ("es", "B2")],
    isced_codes=["0414"],
    exchange_weeks=6,
    outcome_tags=["market research", "intercultural communication"],
    discipline_preference="same",
    status="open",
)


@pytest.fixture()
def courses(world, factory, db, monkeypatch):
    # ids restart in each test's emptied database, so a cached (id, version) could be stale
    monkeypatch.setattr(partner_search, "_CACHE", {})
    ours = create_course(factory.user(Role.LECTURER, world["own"]), AMSTERDAM_COURSE)
    theirs = create_course(factory.user(Role.LECTURER, world["other"]), MEXICO_COURSE)
    db.session.commit()
    return ours, theirs


def _matched(course):
    return [m.course.id for m in partner_search.find_matches(course)]


@pytest.mark.parametrize("side", ["own", "other"])
def test_a_block_from_either_side_hides_the_courses_until_removed(world, courses, db, side):
    ours, theirs = courses
    assert theirs.id in _matched(ours) and ours.id in _matched(theirs)
    actor = world["people"][COORD if side == "own" else OTHER_COORD]
    blocker, blocked = (
        (world["own"], world["other"]) if side == "own" else (world["other"], world["own"])
    )
    relation = set_partner_relation(actor, blocker, blocked, "block", "Not vetted yet.")
    db.session.commit()
    assert theirs.id not in _matched(ours) and ours.id not in _matched(theirs)

    remove_partner_relation(actor, relation)
    db.session.commit()
    assert theirs.id in _matched(ours) and ours.id in _matched(theirs)


def test_vetting_a_partner_keeps_its_courses_in_the_matches(world, courses, db):
    ours, theirs = courses
    set_partner_relation(world["people"][COORD], world["own"], world["other"], "allow", "")
    db.session.commit()
    assert theirs.id in _matched(ours)


def test_partners_page_is_linked_for_those_who_manage_it(client, auth, world):
    url = f"/institutions/{world['own'].id}/partners"
    _login(auth, world, COORD)
    assert f'href="{url}"' in client.get("/").get_data(as_text=True)
    assert f'href="{url}"' in client.get(f"/institutions/{world['own'].id}").get_data(as_text=True)
    auth.logout()
    _login(auth, world, LECTURER)
    assert f'href="{url}"' not in client.get(f"/institutions/{world['own'].id}").get_data(
        as_text=True
    )
