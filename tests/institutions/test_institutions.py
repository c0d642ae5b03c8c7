"""Institutions: admins add and edit; coordinators edit only their own, never the status."""

from __future__ import annotations

import pytest

from coil.accounts.models import Role
from coil.institutions.models import Institution

VALID = {
    "name": "Universidade do Porto Digital",
    "country": "PT",
    "city": "Porto",
    "timezone": "Europe/Lisbon",
    "languages": ["pt", "en"],
    "website": "https://porto.example",
    "status": "active",
}


def test_admin_adds_an_institution(client, auth, factory, db):
    admin = factory.user(Role.ADMIN)
    auth.login(admin.email)
    response = auth.post("/institutions/new", VALID)
    assert response.status_code == 302
    institution = db.session.query(Institution).filter_by(name=VALID["name"]).one()
    assert (institution.country, institution.timezone, institution.languages) == (
        "PT",
        "Europe/Lisbon",
        ["pt", "en"],
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Portugal" in page and "Portuguese" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"country": "XX"}, "Not a valid choice"),
        ({"timezone": "Europe/Atlantis"}, "Choose a time zone from the list"),
        ({"languages": []}, "Choose at least one language."),
        ({"name": ""}, "This field is required."),
        ({"website": "not a url"}, "Invalid URL."),
        ({"name": "existing college"}, "already exists"),
    ],
)
def test_bad_institution_input_is_explained(client, auth, factory, db, changes, message):
    factory.institution(name="Existing College")
    admin = factory.user(Role.ADMIN)
    auth.login(admin.email)
    before = db.session.query(Institution).count()
    response = auth.post("/institutions/new", {**VALID, **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.query(Institution).count() == before


def test_coordinator_edits_own_but_cannot_change_status(client, auth, factory, db):
    own = factory.institution(name="Own Hogeschool")
    coordinator = factory.user(Role.COORDINATOR, own)
    auth.login(coordinator.email)
    form = client.get(f"/institutions/{own.id}/edit").get_data(as_text=True)
    assert 'name="status"' not in form
    response = auth.post(
        f"/institutions/{own.id}/edit",
        {**VALID, "name": "Own Hogeschool Renamed", "status": "suspended"},
    )
    assert response.status_code == 302
    db.session.refresh(own)
    assert own.name == "Own Hogeschool Renamed"
    assert own.status == "active"


def test_admin_suspends_and_people_are_locked_out(client, auth, factory, db):
    institution = factory.institution()
    lecturer = factory.user(Role.LECTURER, institution)
    admin = factory.user(Role.ADMIN)
    auth.login(admin.email)
    data = {**VALID, "name": institution.name, "status": "suspended"}
    assert auth.post(f"/institutions/{institution.id}/edit", data).status_code == 302
    auth.logout()
    assert auth.login(lecturer.email).status_code == 422


def test_people_page_lists_only_that_institution(client, auth, factory):
    own, other = factory.institution(), factory.institution()
    coordinator = factory.user(Role.COORDINATOR, own)
    mine = factory.user(Role.LECTURER, own, name="Mine Lecturer")
    factory.user(Role.LECTURER, other, name="Their Lecturer")
    auth.login(coordinator.email)
    page = client.get(f"/institutions/{own.id}/people").get_data(as_text=True)
    assert mine.name in page and "Their Lecturer" not in page
