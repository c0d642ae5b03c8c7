"""Enrolment: join links (new and signed-in students), CSV rosters, dropping out, the profile."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from coil.accounts.models import AvailabilitySlot, Invitation, Role, User
from coil.core.errors import ServiceError
from coil.exchanges import enrolling
from coil.exchanges.models import AttributeAnswer, Enrolment, ExchangeAttribute
from tests.conftest import csrf_token
from tests.exchanges.conftest import upload
from tests.factories import DEFAULT_PASSWORD

LINK_RE = re.compile(r'value="(http://[^"]+/join/[^"]+)"')


def enrolled(db, exchange, course=None):
    db.session.expire_all()
    query = select(Enrolment).where(Enrolment.exchange_id == exchange.id)
    if course is not None:
        query = query.where(Enrolment.course_id == course.id)
    return {e.user.email: e.status for e in db.session.scalars(query)}


def make_link(client, auth, world, course=None):
    course = course or world.pair.nl_course
    auth.login(course.owner.email)
    response = auth.post(
        f"/exchanges/{world.exchange.id}/join-links",
        {"course_id": course.id, "max_uses": 200, "days": 30},
        form_url=f"/exchanges/{world.exchange.id}/roster",
    )
    assert response.status_code == 200
    link = LINK_RE.search(response.get_data(as_text=True)).group(1)
    auth.logout()
    return "/" + link.split("/", 3)[3]


def test_new_student_signs_up_through_a_join_link_and_is_enrolled(client, auth, world, db):
    path = make_link(client, auth, world)
    invitation = db.session.scalar(select(Invitation).where(Invitation.course_id.is_not(None)))
    assert (invitation.role, invitation.max_uses) == ("student", 200)
    assert invitation.institution_id == world.pair.nl_course.institution_id
    page = client.get(path)
    assert world.pair.nl_course.title in page.get_data(as_text=True)
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "name": "Nina Nieuw",
            "email": "nina@nl.example",
            "password": DEFAULT_PASSWORD,
            "confirm": DEFAULT_PASSWORD,
            "timezone": "Europe/Amsterdam",
            "locale": "",
        },
    )
    assert response.status_code == 302
    assert enrolled(db, world.exchange)["nina@nl.example"] == "active"
    assert client.get(f"/exchanges/{world.exchange.id}/roster").status_code == 403
    assert world.exchange.title in client.get("/exchanges/").get_data(as_text=True)


def test_signed_in_student_confirms_and_joining_twice_changes_nothing(client, auth, world, db):
    path = make_link(client, auth, world, world.pair.mx_course)
    other = world.outsider  # a student of another institution than the Mexican course
    auth.login(other.email)
    page = client.get(path)
    assert page.status_code == 200 and "Join the exchange" in page.get_data(as_text=True)
    for _ in range(2):
        response = client.post(path, data={"csrf_token": csrf_token(client, path)})
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/exchanges/{world.exchange.id}")
    assert enrolled(db, world.exchange, world.pair.mx_course)[other.email] == "active"
    assert (
        db.session.scalar(select(Invitation.use_count).where(Invitation.course_id.is_not(None)))
        == 1
    )


def test_get_does_not_enrol_and_a_lecturer_is_told_why_not(client, auth, world, db):
    path = make_link(client, auth, world)
    auth.login(world.outsider.email)
    client.get(path)
    assert world.outsider.email not in enrolled(db, world.exchange)
    auth.logout()
    auth.login(world.pair.mx_lecturer.email)
    response = client.get(path)
    assert response.status_code == 403
    assert "not a student account" in response.get_data(as_text=True)
    assert client.post(path, data={"csrf_token": csrf_token(client, "/")}).status_code == 403


def test_student_of_the_other_course_cannot_join_a_second_course(client, auth, world, db):
    path = make_link(client, auth, world)
    auth.login(world.mx_student.email)
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 422
    assert "another course of this exchange" in response.get_data(as_text=True)
    assert enrolled(db, world.exchange)[world.mx_student.email] == "active"


def test_join_links_only_for_own_courses_in_an_exchange(world, factory, db):
    lonely = factory.course(owner=world.pair.nl_lecturer)
    with pytest.raises(ServiceError):
        enrolling.create_join_link(world.pair.nl_lecturer, lonely)
    with pytest.raises(ServiceError):
        enrolling.create_join_link(world.pair.mx_lecturer, world.pair.nl_course)


GOOD = (
    "name;email;student_number\r\n"
    "Anna;anna@nl.example;111\r\n"  # already enrolled
    "Eva Jansen;EVA@nl.example;222\r\n"
    "Bob;bob@nl.example;\r\n"  # an existing student account, not enrolled yet
).encode("utf-8-sig")


def test_roster_upload_creates_accounts_enrols_and_mails(client, auth, world, db, outbox):
    auth.login(world.pair.nl_lecturer.email)
    response = upload(client, world.exchange.id, world.pair.nl_course.id, GOOD)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 new account" in page and "2 students enrolled" in page and "1 already" in page
    assert enrolled(db, world.exchange, world.pair.nl_course) == {
        "anna@nl.example": "active",
        "eva@nl.example": "active",
        "bob@nl.example": "active",
    }
    eva = db.session.scalar(select(User).where(User.email == "eva@nl.example"))
    assert eva.role == Role.STUDENT and eva.institution_id == world.pair.nl_course.institution_id
    assert [m.to for m in outbox] == [["eva@nl.example"]]
    # the new student chooses a password with the mailed link, then logs in
    link = re.search(r"http://\S+/password/reset/\S+", outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    new = "a brand new password"
    reply = client.post(
        path, data={"csrf_token": csrf_token(client, path), "password": new, "confirm": new}
    )
    assert reply.status_code == 302
    assert auth.login("eva@nl.example", new).status_code == 302


def test_unusable_password_cannot_log_in(client, auth, world, db):
    auth.login(world.pair.nl_lecturer.email)
    upload(client, world.exchange.id, world.pair.nl_course.id, GOOD)
    auth.logout()
    eva = db.session.scalar(select(User).where(User.email == "eva@nl.example"))
    assert auth.login(eva.email, eva.password_hash).status_code == 422


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("name,email\nAnna,a@example.org\n".encode("utf-16"), "Save the file as CSV UTF-8"),
        ("name,email\nJoëlle,j@example.org\n".encode("cp1252"), "Save the file as CSV UTF-8"),
        (b"naam,studentnummer\nAnna,1\n", "lacks the column(s) email"),
        (b"name,email\n,x@example.org\nEva,eva@\n", "is not a valid e-mail address"),
        (b"name,email\nCarlos,carlos@mx.example\n", "not a student account"),
        (b"name,email\nLuis,luis@mx.example\nNew,new@example.org\n", "another course"),
        (b"", "holds no students"),
    ],
)
def test_bad_rosters_are_refused_whole(client, auth, world, db, outbox, body, message):
    auth.login(world.pair.nl_lecturer.email)
    users = db.session.scalar(select(func.count()).select_from(User))
    response = upload(client, world.exchange.id, world.pair.nl_course.id, body)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == users
    assert set(enrolled(db, world.exchange)) == {"anna@nl.example", "luis@mx.example"}
    assert outbox == []


def test_row_report_names_every_bad_row(client, auth, world):
    auth.login(world.pair.nl_lecturer.email)
    body = b"name,email\nOk,ok@example.org\n,x@example.org\nEva,eva@\nOk2,OK@example.org\n"
    page = upload(client, world.exchange.id, world.pair.nl_course.id, body).get_data(as_text=True)
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td></tr>", page)
    assert [(n, "empty" in why or "valid" in why or "earlier" in why) for n, why in rows] == [
        ("3", True),
        ("4", True),
        ("5", True),
    ]


def test_roster_upload_only_into_own_course(client, auth, world):
    auth.login(world.pair.nl_lecturer.email)
    response = upload(client, world.exchange.id, world.pair.mx_course.id, GOOD)
    assert response.status_code == 422
    auth.logout()
    auth.login(world.pair.nl_coordinator.email)
    assert upload(client, world.exchange.id, world.pair.nl_course.id, GOOD).status_code == 403


def test_lecturer_marks_own_student_as_dropped(client, auth, world, db):
    enrolment_nl = db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == world.nl_student.id)
    )
    enrolment_mx = db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == world.mx_student.id)
    )
    auth.login(world.pair.nl_lecturer.email)
    roster = f"/exchanges/{world.exchange.id}/roster"
    base = f"/exchanges/{world.exchange.id}/enrolments"
    assert auth.post(f"{base}/{enrolment_mx.id}/drop", {}, roster).status_code == 403
    assert auth.post(f"{base}/{enrolment_nl.id}/drop", {}, roster).status_code == 302
    assert client.post(f"{base}/{enrolment_nl.id}/drop").status_code == 400  # no CSRF token
    assert enrolled(db, world.exchange) == {
        "anna@nl.example": "dropped",
        "luis@mx.example": "active",
    }
    auth.logout()
    auth.login(world.nl_student.email)
    assert client.get(f"/exchanges/{world.exchange.id}").status_code == 403


def test_student_fills_in_the_profile_for_team_formation(client, auth, world, db):
    db.session.add(
        ExchangeAttribute(
            exchange_id=world.exchange.id,
            key="major",
            label="Your major",
            options=["Marketing", "Law"],
        )
    )
    db.session.add(ExchangeAttribute(exchange_id=world.exchange.id, key="hobby", label="A hobby"))
    db.session.commit()
    auth.login(world.nl_student.email)
    url = f"/exchanges/{world.exchange.id}/profile"
    page = client.get(url).get_data(as_text=True)
    assert "Europe/Amsterdam" in page and "optional" in page
    data = {
        "slots-0-weekday": "0",
        "slots-0-start": "09:00",
        "slots-0-end": "11:30",
        "slots-1-weekday": "2",
        "slots-1-start": "18:00",
        "slots-1-end": "20:00",
        "answers-0-value": "Law",
        "answers-1-value": "",
    }
    assert auth.post(url, data).status_code == 302
    slots = db.session.scalars(
        select(AvailabilitySlot).where(AvailabilitySlot.user_id == world.nl_student.id)
    ).all()
    assert [(s.weekday, s.start_time.hour, s.end_time.hour) for s in slots] == [
        (0, 9, 11),
        (2, 18, 20),
    ]
    assert [a.value for a in db.session.scalars(select(AttributeAnswer))] == ["Law"]
    assert "selected>Law" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [
        {"slots-0-weekday": "9", "slots-0-start": "09:00", "slots-0-end": "10:00"},
        {"slots-0-weekday": "1", "slots-0-start": "22:00", "slots-0-end": "01:00"},
        {"slots-0-weekday": "1", "slots-0-start": "25:00", "slots-0-end": "26:00"},
        {"slots-0-weekday": "1", "slots-0-start": "09:00"},
        {"slots-²-weekday": "1", "slots-99999999999-start": "x"},
    ],
)
def test_profile_garbage_is_a_422_never_a_500(client, auth, world, db, data):
    auth.login(world.nl_student.email)
    response = auth.post(f"/exchanges/{world.exchange.id}/profile", data)
    assert response.status_code in (302, 422)
    if response.status_code == 302:  # only the unreadable row keys: ignored, nothing saved
        assert data.get("slots-²-weekday")
    assert db.session.scalar(select(func.count()).select_from(AvailabilitySlot)) == 0


def test_profile_refuses_answers_outside_the_options(client, auth, world, db):
    db.session.add(
        ExchangeAttribute(exchange_id=world.exchange.id, key="m", label="M", options=["a"])
    )
    db.session.commit()
    auth.login(world.nl_student.email)
    response = auth.post(f"/exchanges/{world.exchange.id}/profile", {"answers-0-value": "zzz"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(AttributeAnswer)) == 0
