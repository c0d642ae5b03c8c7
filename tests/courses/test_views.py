"""Course pages: the profile form, who may open what, matches, search and "why"."""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from coil.accounts.models import Role
from coil.courses.models import Course
from tests.conftest import csrf_token

AMS, MEX = "Europe/Amsterdam", "America/Mexico_City"

FORM: dict[str, Any] = {
    "title": "International Marketing",
    "description": "Students write a market entry plan with a partner class.",
    "isced_codes": ["0414", "041"],
    "eqf_level": "6",
    "discipline_preference": "same",
    "instruction_languages": ["nl", "en"],
    "working_languages-0-language": "en",
    "working_languages-0-level": "B2",
    "working_languages-1-language": "es",
    "working_languages-1-level": "B1",
    "working_languages-2-language": "",
    "working_languages-2-level": "",
    "first_day": "2025-02-03",
    "last_day": "2025-06-27",
    "blocked_periods-0-start": "2025-04-21",
    "blocked_periods-0-end": "2025-04-25",
    "blocked_periods-1-start": "",
    "blocked_periods-1-end": "",
    "timezone": AMS,
    "meetings-0-weekday": "1",
    "meetings-0-start": "14:00",
    "meetings-0-end": "15:30",
    "meetings-1-weekday": "3",
    "meetings-1-start": "09:00",
    "meetings-1-end": "11:00",
    "meetings-2-weekday": "",
    "meetings-2-start": "",
    "meetings-2-end": "",
    "expected_students": "28",
    "exchange_weeks": "6",
    "sync_hours_per_week": "1.5",
    "preferred_countries": ["MX", "ID"],
    "preferred_regions": ["419", "002"],
    "sdgs": ["4", "13"],
    "learning_outcomes": "Plan a market entry in an intercultural team.",
    "outcome_tags": "Teamwork, intercultural communication, ",
    "status": "open",
}


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


class _FormParser(HTMLParser):
    """Collect what a browser would submit from the page's POST form."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method") == "post" and "action" not in a:
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.values.append((self.select, a.get("value", "")))
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.values.append((a["name"], ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            name, value = self.values.pop()
            self.values.append((name, value + data.lstrip("\n")))


def form_values(page: str) -> list[tuple[str, str]]:
    parser = _FormParser()
    parser.feed(page)
    return parser.values


def error_of(response: Any, field_id: str) -> str:
    """Return the error message shown next to the field (or group of rows) ``field_id``."""
    found = re.search(
        rf'id="{re.escape(field_id)}-error">([^<]*)<', response.get_data(as_text=True)
    )
    return html.unescape(found.group(1)) if found else ""


@pytest.fixture()
def lecturer(factory):
    institution = factory.institution(name="Hogeschool Amstelland", country="NL", timezone=AMS)
    return factory.user(Role.LECTURER, institution, email="pieter@ams.example", timezone=AMS)


@pytest.fixture()
def mexico(factory):
    institution = factory.institution(
        name="Universidad del Valle", country="MX", city="Mexico City", timezone=MEX
    )
    return factory.user(
        Role.LECTURER, institution, email="carlos@valle.example", name="Carlos", timezone=MEX
    )


def amsterdam_course(factory, owner, **values: Any) -> Course:
    return factory.course(
        owner,
        title="Marketing in Amsterdam",
        isced_codes=["0413"],
        meetings=((1, "14:00", "15:30"),),
        **values,
    )


def mexico_course(factory, owner, **values: Any) -> Course:
    data: dict[str, Any] = {
        "title": "Marketing in Mexico City",
        "isced_codes": ["0413", "0311"],
        "eqf_level": 7,
        "working_languages": [("en", "B1"), ("es", "B2")],
        "first_day": date(2025, 1, 13),
        "last_day": date(2025, 5, 16),
        "meetings": ((1, "07:00", "08:30"),),
        **values,
    }
    return factory.course(owner, **data)


class TestCourseForm:
    def test_lecturer_describes_edits_and_lists_a_course(self, client, auth, lecturer, db):
        auth.login(lecturer.email)
        page = client.get("/courses/new")
        assert page.status_code == 200
        assert 'value="Europe/Amsterdam"' in page.get_data(as_text=True)  # the institution's zone
        assert "<optgroup" in page.get_data(as_text=True)

        response = auth.post("/courses/new", FORM)
        assert response.status_code == 302
        course = db.session.scalars(db.select(Course)).one()
        assert response.headers["Location"] == f"/courses/{course.id}"
        assert course.owner_id == lecturer.id
        assert course.isced_codes == ["041", "0414"]
        assert course.instruction_languages == ["nl", "en"]
        assert [(wl.language, wl.min_level) for wl in course.working_languages] == [
            ("en", "B2"),
            ("es", "B1"),
        ]
        assert course.blocked_periods == [["2025-04-21", "2025-04-25"]]
        assert course.meetings == [
            {"weekday": 1, "start": "14:00", "end": "15:30"},
            {"weekday": 3, "start": "09:00", "end": "11:00"},
        ]
        assert (course.expected_students, course.exchange_weeks) == (28, 6)
        assert course.sync_hours_per_week == 1.5
        assert course.preferred_countries == ["ID", "MX"]
        assert course.preferred_regions == ["002", "419"]
        assert course.sdgs == [4, 13]
        assert course.outcome_tags == ["intercultural communication", "teamwork"]
        assert (course.discipline_preference, course.status) == ("same", "open")
        assert course.prepared is not None

        edit = client.get(f"/courses/{course.id}/edit")
        assert edit.status_code == 200
        assert 'value="2025-04-21"' in edit.get_data(as_text=True)
        version = course.version
        changed = {**FORM, "title": "Global Marketing", "status": "draft", "sdgs": []}
        response = auth.post(f"/courses/{course.id}/edit", changed)
        assert response.status_code == 302
        db.session.expire_all()
        assert course.title == "Global Marketing"
        assert course.status == "draft"
        assert course.sdgs == []
        assert course.version != version

        index = client.get("/courses/")
        assert index.status_code == 200
        assert "Global Marketing" in text(index)
        assert "Describe a course" in text(index)

    def test_edit_form_round_trips_every_stored_value(self, client, auth, lecturer, db, factory):
        auth.login(lecturer.email)
        assert auth.post("/courses/new", FORM).status_code == 302
        course = db.session.scalars(db.select(Course)).one()
        stored = {c.name: getattr(course, c.name) for c in Course.__table__.columns}
        # Submitting the edit form unchanged, as a browser would, stores the same profile.
        page = client.get(f"/courses/{course.id}/edit").get_data(as_text=True)
        response = client.post(f"/courses/{course.id}/edit", data=MultiDict(form_values(page)))
        assert response.status_code == 302
        db.session.expire_all()
        again = {c.name: getattr(course, c.name) for c in Course.__table__.columns}
        changed = {key for key in stored if stored[key] != again[key]}
        assert changed == {"version", "updated_at"}

    @pytest.mark.parametrize(
        ("changes", "field_id", "message"),
        [
            ({"last_day": "2025-01-31"}, "last_day", "The last teaching day is before the first."),
            (
                {"meetings-0-end": "13:00"},
                "meetings",
                "A class meeting must end after it starts (14:00).",
            ),
            ({"timezone": "Mars/Olympus_Mons"}, "timezone", "Choose a time zone from the list"),
            (
                {"blocked_periods-0-start": "2025-08-04", "blocked_periods-0-end": "2025-08-08"},
                "blocked_periods",
                "Blocked weeks must fall inside the teaching period.",
            ),
            ({"expected_students": "0"}, "expected_students", "A class needs at least one"),
            ({"exchange_weeks": "30"}, "exchange_weeks", "The exchange (30 weeks) is longer than"),
            (
                {
                    "working_languages-0-language": "",
                    "working_languages-0-level": "",
                    "working_languages-1-language": "",
                    "working_languages-1-level": "",
                },
                "working_languages",
                "Offer at least one working language.",
            ),
            ({"working_languages-1-language": "en"}, "working_languages", "List each working"),
        ],
        ids=[
            "end-before-start",
            "meeting-ends-first",
            "unknown-zone",
            "blocked-outside",
            "no-students",
            "exchange-too-long",
            "no-language",
            "language-twice",
        ],
    )
    def test_bad_input_is_shown_next_to_its_field(
        self, client, auth, lecturer, db, changes, field_id, message
    ):
        auth.login(lecturer.email)
        response = auth.post("/courses/new", {**FORM, **changes})
        assert response.status_code == 422
        assert message in error_of(response, field_id)
        assert db.session.query(Course).count() == 0

    def test_bad_edit_changes_nothing(self, client, auth, lecturer, db, factory):
        course = amsterdam_course(factory, lecturer)
        version = course.version
        auth.login(lecturer.email)
        response = auth.post(
            f"/courses/{course.id}/edit", {**FORM, "title": "Changed", "last_day": "2025-01-01"}
        )
        assert response.status_code == 422
        db.session.expire_all()
        assert (course.title, course.version) == ("Marketing in Amsterdam", version)

    @pytest.mark.parametrize(
        ("changes", "field_id"),
        [
            ({"first_day": "31/31/2025"}, "first_day"),
            ({"first_day": "0001-01-01"}, "first_day"),
            ({"last_day": "9999-12-31"}, "last_day"),
            ({"expected_students": "1" + "0" * 40}, "expected_students"),
            ({"expected_students": "many"}, "expected_students"),
            ({"exchange_weeks": "-4"}, "exchange_weeks"),
            ({"exchange_weeks": "9" * 30}, "exchange_weeks"),
            ({"sync_hours_per_week": "NaN"}, "sync_hours_per_week"),
            ({"sync_hours_per_week": "sNaN"}, "sync_hours_per_week"),
            ({"sync_hours_per_week": "1e999"}, "sync_hours_per_week"),
            ({"sync_hours_per_week": "-1"}, "sync_hours_per_week"),
            ({"eqf_level": "99999999999999999999"}, "eqf_level"),
            ({"isced_codes": ["0414", "12345"]}, "isced_codes"),
            ({"sdgs": ["18"]}, "sdgs"),
            ({"sdgs": ["x"]}, "sdgs"),
            ({"preferred_regions": ["Atlantis"]}, "preferred_regions"),
            ({"status": "paired"}, "status"),
            ({"discipline_preference": "maybe"}, "discipline_preference"),
            ({"title": "\x00"}, "title"),
            ({"meetings-0-weekday": "9"}, "meetings-0-weekday"),
            ({"meetings-0-start": "25:00"}, "meetings-0-start"),
            ({"meetings-0-weekday": ""}, "meetings-0-weekday"),
            ({"blocked_periods-0-end": ""}, "blocked_periods-0-start"),
            ({"working_languages-0-level": "Z9"}, "working_languages-0-language"),
            ({"working_languages-2-level": "B2"}, "working_languages-2-language"),
        ],
    )
    def test_garbage_never_breaks_the_form(self, client, auth, lecturer, db, changes, field_id):
        auth.login(lecturer.email)
        response = auth.post("/courses/new", {**FORM, **changes})
        assert response.status_code == 422
        assert error_of(response, field_id)
        assert db.session.query(Course).count() == 0

    def test_missing_fields_and_odd_row_keys(self, client, auth, lecturer, db):
        auth.login(lecturer.email)
        assert auth.post("/courses/new", {}, form_url="/courses/new").status_code == 422
        odd = {**FORM, "meetings-²-weekday": "1", f"meetings-{'9' * 5000}-start": "10:00"}
        assert auth.post("/courses/new", odd).status_code == 302


class TestAccess:
    def test_coordinator_and_other_lecturers_cannot_edit(self, client, auth, lecturer, factory):
        course = amsterdam_course(factory, lecturer)
        coordinator = factory.user(Role.COORDINATOR, lecturer.institution, email="c@ams.example")
        colleague = factory.user(Role.LECTURER, lecturer.institution, email="k@ams.example")
        for person in (coordinator, colleague):
            auth.login(person.email)
            assert client.get(f"/courses/{course.id}/edit").status_code == 403
            token = csrf_token(client, "/courses/")
            response = client.post(f"/courses/{course.id}/edit", data={**FORM, "csrf_token": token})
            assert response.status_code == 403
            auth.logout()
        auth.login(coordinator.email)
        assert client.get("/courses/new").status_code == 403
        index = client.get("/courses/")
        assert index.status_code == 200
        assert "Marketing in Amsterdam" in text(index)
        assert "Describe a course" not in text(index)

    def test_students_and_anonymous_people(self, client, auth, factory):
        student = factory.user(Role.STUDENT, email="s@x.example")
        anonymous = client.get("/courses/")
        assert anonymous.status_code == 302
        assert "/login" in anonymous.headers["Location"]
        auth.login(student.email)
        assert client.get("/courses/").status_code == 403
        assert client.get("/courses/new").status_code == 403

    def test_drafts_are_private_to_their_institution(self, client, auth, lecturer, mexico, factory):
        draft = mexico_course(factory, mexico, status="draft")
        auth.login(lecturer.email)
        assert client.get(f"/courses/{draft.id}").status_code == 403
        assert client.get("/courses/2147483647").status_code == 404
        assert client.get(f"/courses/{'9' * 30}").status_code == 404

    def test_paired_course_shows_its_status_but_cannot_reopen(
        self, client, auth, lecturer, db, factory
    ):
        course = amsterdam_course(factory, lecturer)
        course.status = "paired"
        db.session.commit()
        auth.login(lecturer.email)
        page = client.get(f"/courses/{course.id}/edit")
        assert 'name="status"' not in page.get_data(as_text=True)
        response = auth.post(f"/courses/{course.id}/edit", {**FORM, "status": "open"})
        assert response.status_code == 302
        db.session.expire_all()
        assert course.status == "paired"


class TestMatches:
    def test_show_lists_explained_matches_without_partner_email(
        self, app, client, auth, lecturer, mexico, factory
    ):
        ours = amsterdam_course(factory, lecturer)
        theirs = mexico_course(factory, mexico)
        auth.login(lecturer.email)
        page = client.get(f"/courses/{ours.id}")
        assert page.status_code == 200
        body = text(page)
        assert "Marketing in Mexico City" in body
        assert "Universidad del Valle" in body
        assert "Lecturer: Carlos" in body
        assert "Tue 14:00 to 15:30 in Amsterdam is 07:00 to 08:30 in Mexico City" in body
        assert "6 overlapping weeks (3 Mar to 11 Apr)" in body
        assert "best window for the 6-week exchange: 3 Mar to 11 Apr" in body
        assert "working language English at level B2" in body
        assert mexico.email not in body
        assert f"/courses/{ours.id}/why/{theirs.id}" in body
        assert "Propose a partnership" in body

        # The partner sees the profile, with the meeting in both zones, but no matches of ours.
        auth.logout()
        auth.login(mexico.email)
        other = text(client.get(f"/courses/{ours.id}"))
        assert "Tue 14:00 to 15:30" in other  # Amsterdam time
        assert "Tue 07:00 to 08:30" in other  # converted to Mexico City
        assert "Best partner courses" not in other
        assert lecturer.email not in other

    def test_sydney_and_amsterdam_as_new_lecturers_describe_them(
        self, client, auth, lecturer, factory, db
    ):
        # The case of the outside check, typed into the form: Sydney's term is broken by the
        # Easter break, and only its first block shares class time with Amsterdam.
        sydney_uni = factory.institution(
            name="Harbour University", country="AU", timezone="Australia/Sydney"
        )
        sydney = factory.user(
            Role.LECTURER, sydney_uni, email="mia@harbour.example", timezone="Australia/Sydney"
        )
        common = {
            **FORM,
            "preferred_countries": [],
            "preferred_regions": [],
            "working_languages-1-language": "",
            "working_languages-1-level": "",
            "exchange_weeks": "2",
            "sync_hours_per_week": "1",
        }
        auth.login(sydney.email)
        response = auth.post(
            "/courses/new",
            {
                **common,
                "title": "Marketing in Sydney",
                "timezone": "Australia/Sydney",
                "first_day": "2026-02-23",
                "last_day": "2026-06-05",
                "blocked_periods-0-start": "2026-04-06",
                "blocked_periods-0-end": "2026-04-10",
                "meetings-0-weekday": "0",
                "meetings-0-start": "18:00",
                "meetings-0-end": "20:00",
                "meetings-1-weekday": "3",
                "meetings-1-start": "17:00",
                "meetings-1-end": "18:00",
            },
        )
        assert response.status_code == 302
        ours = response.headers["Location"]
        auth.logout()
        auth.login(lecturer.email)
        response = auth.post(
            "/courses/new",
            {
                **common,
                "title": "Marketing in Amsterdam",
                "first_day": "2026-02-02",
                "last_day": "2026-06-26",
                "blocked_periods-0-start": "",
                "blocked_periods-0-end": "",
                "meetings-0-weekday": "0",
                "meetings-0-start": "09:00",
                "meetings-0-end": "10:00",
                "meetings-1-weekday": "3",
                "meetings-1-start": "08:00",
                "meetings-1-end": "09:00",
            },
        )
        assert response.status_code == 302
        auth.logout()

        auth.login(sydney.email)
        body = text(client.get(ours))
        assert "Marketing in Amsterdam" in body
        assert "14 overlapping weeks in 2 blocks (23 Feb to 3 Apr and 13 Apr to 5 Jun)" in body
        assert "best window for the 2-week exchange: 23 Mar to 3 Apr" in body
        assert (
            "1 shared class hour a week: Mon 19:00 to 20:00 in Sydney is 09:00 to 10:00 in "
            "Amsterdam"
        ) in body
        assert "asynchronous" not in body

    def test_class_times_to_the_minute(self, client, auth, lecturer, mexico, factory, db):
        # 16:10-17:40 in Amsterdam and 09:05-10:20 in Mexico City share 70 minutes before
        # Amsterdam's clock change and 35 after; the form takes such times as they are.
        auth.login(lecturer.email)
        response = auth.post(
            "/courses/new",
            {
                **FORM,
                "first_day": "2026-03-02",
                "last_day": "2026-04-24",
                "blocked_periods-0-start": "",
                "blocked_periods-0-end": "",
                "meetings-0-start": "16:10",
                "meetings-0-end": "17:40",
                "meetings-1-weekday": "",
                "meetings-1-start": "",
                "meetings-1-end": "",
                "exchange_weeks": "4",
            },
        )
        assert response.status_code == 302
        ours = response.headers["Location"]
        mexico_course(
            factory,
            mexico,
            first_day=date(2026, 1, 12),
            last_day=date(2026, 5, 8),
            meetings=((1, "09:05", "10:20"),),
        )
        body = text(client.get(ours))
        assert "best window for the 4-week exchange: 2 Mar to 27 Mar" in body
        assert (
            "70 shared class minutes a week: Tue 16:10 to 17:20 in Amsterdam is 09:10 to 10:20 "
            "in Mexico City"
        ) in body

    def test_no_matches_and_draft_hint(self, client, auth, lecturer, factory):
        course = amsterdam_course(factory, lecturer, status="draft")
        auth.login(lecturer.email)
        body = text(client.get(f"/courses/{course.id}"))
        assert "This course is a draft" in body
        assert "No open course of another institution fits yet" in body

    def test_coordinator_sees_matches_read_only(self, client, auth, lecturer, mexico, factory):
        ours = amsterdam_course(factory, lecturer)
        mexico_course(factory, mexico)
        coordinator = factory.user(Role.COORDINATOR, lecturer.institution, email="c@ams.example")
        auth.login(coordinator.email)
        body = text(client.get(f"/courses/{ours.id}"))
        assert "Marketing in Mexico City" in body
        assert "Propose a partnership" not in body
        assert "Edit the course" not in body

    def test_why_explains_an_excluded_course(self, client, auth, lecturer, mexico, factory):
        ours = amsterdam_course(factory, lecturer)
        short = mexico_course(
            factory,
            mexico,
            title="Short course",
            first_day=date(2025, 3, 3),
            last_day=date(2025, 3, 21),
            exchange_weeks=3,
        )
        good = mexico_course(factory, mexico)
        auth.login(lecturer.email)
        body = text(client.get(f"/courses/{ours.id}/why/{short.id}"))
        assert "not among the matches" in body
        assert "only 3 overlapping teaching weeks (3 Mar to 21 Mar), 6 needed" in body
        body = text(client.get(f"/courses/{ours.id}/why/{good.id}"))
        assert re.search(r"score \d+ out of 100", body)
        # Only the lecturer and coordinators of the course may ask.
        auth.logout()
        auth.login(mexico.email)
        assert client.get(f"/courses/{ours.id}/why/{good.id}").status_code == 403


class TestSearch:
    @pytest.fixture()
    def courses(self, factory, lecturer, mexico):
        jakarta = factory.institution(name="Nusantara", country="ID", timezone="Asia/Jakarta")
        budi = factory.user(Role.LECTURER, jakarta, email="budi@id.example")
        return {
            "own": amsterdam_course(factory, lecturer),
            "marketing": mexico_course(factory, mexico),
            "draft": mexico_course(factory, mexico, title="Hidden draft", status="draft"),
            "tourism": factory.course(
                budi,
                title="Sustainable Tourism",
                isced_codes=["1015"],
                eqf_level=6,
                working_languages=[("id", "C1"), ("en", "B2")],
                first_day=date(2025, 8, 4),
                last_day=date(2025, 11, 28),
            ),
        }

    def titles(self, client, query: str = "") -> str:
        response = client.get(f"/courses/search{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return text(response)

    def test_filters(self, client, auth, lecturer, courses):
        auth.login(lecturer.email)
        body = self.titles(client)
        assert "Marketing in Mexico City" in body
        assert "Sustainable Tourism" in body
        assert "Hidden draft" not in body
        assert "Marketing in Amsterdam</a>" not in body  # own institution
        cases = {
            "?discipline=04": {"Marketing in Mexico City"},
            "?discipline=041": {"Marketing in Mexico City"},
            "?discipline=031": {"Marketing in Mexico City"},
            "?discipline=10": {"Sustainable Tourism"},
            "?discipline=061": set(),
            "?language=es": {"Marketing in Mexico City"},
            "?language=id": {"Sustainable Tourism"},
            "?eqf_level=7": {"Marketing in Mexico City"},
            "?country=ID": {"Sustainable Tourism"},
            "?period_from=2025-06-01": {"Sustainable Tourism"},
            "?period_to=2025-06-01": {"Marketing in Mexico City"},
            "?period_from=2025-05-01&period_to=2025-08-10": {
                "Marketing in Mexico City",
                "Sustainable Tourism",
            },
        }
        for query, expected in cases.items():
            body = self.titles(client, query)
            found = {t for t in ("Marketing in Mexico City", "Sustainable Tourism") if t in body}
            assert found == expected, query

    def test_bad_filters_and_links(self, client, auth, lecturer, courses):
        auth.login(lecturer.email)
        response = client.get("/courses/search?period_from=2025-13-01&eqf_level=x&discipline=9")
        assert response.status_code == 422
        assert "Marketing in Mexico City" in text(response)  # bad filters are left out
        own = courses["own"]
        # One own course: results link to why each is, or is not, a match for it.
        body = self.titles(client)
        assert f"/courses/{own.id}/why/{courses['tourism'].id}" in body
        best = client.get(f"/courses/best?course_id={own.id}")
        assert best.status_code == 302
        assert best.headers["Location"] == f"/courses/{own.id}#matches"
        assert client.get(f"/courses/best?course_id={'9' * 40}").status_code == 302
        assert client.get(f"/courses/best?course_id={courses['draft'].id}").status_code == 403

    def test_coordinators_browse_read_only(self, client, auth, lecturer, courses, factory):
        coordinator = factory.user(Role.COORDINATOR, lecturer.institution, email="c@ams.example")
        auth.login(coordinator.email)
        body = self.titles(client)
        assert "Sustainable Tourism" in body
        assert "Best partners for my course" not in body
        assert "/why/" not in body
