"""Invitations: who may invite whom, joining, and every way a link can stop working."""

from __future__ import annotations

import re

import pytest

from coil.accounts.invitations import accept_invitation
from coil.accounts.models import Invitation, Role, User
from coil.core.errors import ServiceError
from tests.conftest import csrf_token

JOIN = {
    "name": "New Person",
    "email": "new@uni.example",
    "password": "a long enough pw",
    "confirm": "a long enough pw",
    "timezone": "America/Mexico_City",
    "locale": "nl",
}


def _join(client, token, **changes):
    data = {**JOIN, **changes, "csrf_token": csrf_token(client, f"/join/{token}")}
    return client.post(f"/join/{token}", data=data)


@pytest.mark.parametrize(
    ("inviter", "role", "allowed"),
    [
        (Role.ADMIN, Role.COORDINATOR, True),
        (Role.ADMIN, Role.STUDENT, False),
        (Role.COORDINATOR, Role.LECTURER, True),
        (Role.COORDINATOR, Role.ADMIN, False),
        (Role.LECTURER, Role.STUDENT, True),
        (Role.LECTURER, Role.LECTURER, False),
    ],
)
def test_who_may_invite_whom(client, auth, factory, db, inviter, role, allowed):
    institution = factory.institution()
    actor = factory.user(
        inviter, None if inviter == Role.ADMIN else institution, email="i@x.example"
    )
    auth.login(actor.email)
    response = auth.post(
        "/invitations",
        {"role": role.value, "institution_id": str(institution.id), "max_uses": "3", "days": "7"},
    )
    created = db.session.query(Invitation).count()
    if allowed:
        assert response.status_code == 200
        assert created == 1
        assert re.search(r"/join/[\w-]{30,}", response.get_data(as_text=True))
    else:
        assert response.status_code == 422
        assert created == 0


def test_coordinator_cannot_invite_into_another_institution(client, auth, factory, db):
    own, other = factory.institution(), factory.institution()
    coordinator = factory.user(Role.COORDINATOR, own, email="c@own.example")
    auth.login(coordinator.email)
    response = auth.post(
        "/invitations",
        {"role": "lecturer", "institution_id": str(other.id), "max_uses": "1", "days": "7"},
    )
    assert response.status_code == 422
    assert db.session.query(Invitation).count() == 0


def test_joining_creates_the_account_with_role_institution_and_preferences(client, factory, db):
    institution = factory.institution()
    lecturer = factory.user(Role.LECTURER, institution)
    _invitation, token = factory.invitation(lecturer, Role.STUDENT, institution, max_uses=30)
    page = client.get(f"/join/{token}")
    assert page.status_code == 200
    assert institution.name in page.get_data(as_text=True)
    response = _join(client, token)
    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="new@uni.example").one()
    assert (user.role, user.institution_id, user.timezone, user.locale) == (
        "student",
        institution.id,
        "America/Mexico_City",
        "nl",
    )
    assert client.get("/profile").status_code == 200  # logged in straight away


def test_the_use_cap_holds(client, factory, db):
    institution = factory.institution()
    lecturer = factory.user(Role.LECTURER, institution)
    invitation, token = factory.invitation(lecturer, Role.STUDENT, institution, max_uses=1)
    accept_invitation(
        token,
        name="A",
        email="a@x.example",
        password="long password 1",
        timezone="UTC",
        locale=None,
    )
    db.session.commit()
    with pytest.raises(ServiceError) as error:
        accept_invitation(
            token,
            name="B",
            email="b@x.example",
            password="long password 2",
            timezone="UTC",
            locale=None,
        )
    assert error.value.code == "used"
    db.session.rollback()
    assert db.session.query(User).filter_by(email="b@x.example").count() == 0
    db.session.refresh(invitation)
    assert invitation.use_count == 1


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("expired", "This invitation has expired."),
        ("used", "This invitation has already been used."),
        ("revoked", "This invitation has been withdrawn."),
        ("unknown", "This invitation link is not valid."),
    ],
)
def test_unusable_links_get_a_clear_page(client, factory, db, how, message):
    institution = factory.institution()
    lecturer = factory.user(Role.LECTURER, institution)
    invitation, token = factory.invitation(
        lecturer, Role.STUDENT, institution, expired=(how == "expired")
    )
    if how == "used":
        invitation.use_count = invitation.max_uses
    elif how == "revoked":
        from coil.core.time import utcnow

        invitation.revoked_at = utcnow()
    elif how == "unknown":
        token = "x" * 43
    db.session.commit()
    for response in (client.get(f"/join/{token}"), client.post(f"/join/{token}", data=JOIN)):
        assert response.status_code in (410, 400)
    page = client.get(f"/join/{token}")
    assert page.status_code == 410
    assert message in page.get_data(as_text=True)
    assert db.session.query(User).filter_by(email=JOIN["email"]).count() == 0


def test_email_bound_invitation_refuses_other_addresses(client, factory, db, outbox):
    institution = factory.institution()
    coordinator = factory.user(Role.COORDINATOR, institution)
    _inv, token = factory.invitation(
        coordinator, Role.LECTURER, institution, email="Invited@Uni.example"
    )
    assert len(outbox) == 1 and outbox[0].to == ["invited@uni.example"]
    assert f"/join/{token}" in outbox[0].body
    response = _join(client, token, email="someone.else@uni.example")
    assert response.status_code == 422
    assert "different e-mail address" in response.get_data(as_text=True)
    assert _join(client, token, email="INVITED@uni.example").status_code == 302


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"password": "short", "confirm": "short"}, "at least 10"),
        ({"confirm": "something else!"}, "The passwords differ."),
        ({"timezone": "Mars/Olympus_Mons"}, "Choose a time zone from the list"),
        ({"email": "not-an-address"}, "Invalid email address"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_sign_up_input_is_explained_and_uses_nothing(
    client, factory, db, changes, field_message
):
    institution = factory.institution()
    lecturer = factory.user(Role.LECTURER, institution)
    invitation, token = factory.invitation(lecturer, Role.STUDENT, institution)
    response = _join(client, token, **changes)
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    db.session.refresh(invitation)
    assert invitation.use_count == 0


def test_taken_address_is_refused_without_using_the_invitation(client, factory, db):
    institution = factory.institution()
    lecturer = factory.user(Role.LECTURER, institution, email="taken@uni.example")
    invitation, token = factory.invitation(lecturer, Role.STUDENT, institution)
    response = _join(client, token, email="TAKEN@uni.example")
    assert response.status_code == 422
    assert "cannot be used for a new account" in response.get_data(as_text=True)
    db.session.refresh(invitation)
    assert invitation.use_count == 0


def test_revoking_stops_the_link(client, auth, factory, db):
    institution = factory.institution()
    lecturer = factory.user(Role.LECTURER, institution)
    invitation, token = factory.invitation(lecturer, Role.STUDENT, institution)
    auth.login(lecturer.email)
    response = auth.post(f"/invitations/{invitation.id}/revoke", {}, form_url="/invitations")
    assert response.status_code == 302
    assert client.get(f"/join/{token}").status_code == 410


def test_others_cannot_revoke(client, auth, factory, db):
    institution = factory.institution()
    lecturer = factory.user(Role.LECTURER, institution)
    colleague = factory.user(Role.LECTURER, institution)
    invitation, _token = factory.invitation(lecturer, Role.STUDENT, institution)
    auth.login(colleague.email)
    response = auth.post(f"/invitations/{invitation.id}/revoke", {}, form_url="/invitations")
    assert response.status_code == 403
    db.session.refresh(invitation)
    assert invitation.revoked_at is None


def test_signed_in_people_are_not_offered_a_second_account(client, auth, factory):
    institution = factory.institution()
    lecturer = factory.user(Role.LECTURER, institution)
    _inv, token = factory.invitation(lecturer, Role.STUDENT, institution)
    auth.login(lecturer.email)
    assert "already logged in" in client.get(f"/join/{token}").get_data(as_text=True)


def test_only_a_hash_of_the_token_is_stored(factory, db):
    institution = factory.institution()
    lecturer = factory.user(Role.LECTURER, institution)
    invitation, token = factory.invitation(lecturer, Role.STUDENT, institution)
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64
