"""A second partner for a running exchange: said before proposing and accepting, the title
follows, and the teams page guides the lecturers to place the new students."""

from __future__ import annotations

from coil.accounts.models import Role
from coil.pairings.services import accept, propose
from tests.world import enrol_student


def test_proposing_from_a_course_in_an_exchange_says_what_will_happen(client, auth, factory):
    world = factory.world()
    other = world.stranger_course
    auth.login(world["lena"].email)
    page = client.get(f"/proposals/new?to_course_id={other.id}").get_data(as_text=True)
    assert "already takes part in the exchange Marketing across borders" in page
    assert "Its teams are already published" in page
    assert "propose from another of your courses" in page


def test_accepting_says_the_course_joins_the_running_exchange(client, auth, factory, db):
    world = factory.world()
    proposal = propose(world["lena"], world.courses["nl"], world.stranger_course, "Join us?")
    db.session.commit()
    auth.login(world.stranger_lecturer.email)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Accepting adds your course to the exchange Marketing across borders" in page
    assert "teams are already published" in page
    response = auth.post(f"/proposals/{proposal.id}/accept", {}, f"/proposals/{proposal.id}")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "place the new" in page and "re-form the teams" in page


def test_a_generated_title_names_the_joining_course(factory, db):
    world = factory.world(exchange={"status": "running"})  # keeps the generated title
    exchange = world.exchange
    before = exchange.title
    assert before == " × ".join(c.title for c in exchange.courses)
    accept(
        world.stranger_lecturer,
        propose(world["lena"], world.courses["nl"], world.stranger_course, ""),
    )
    db.session.commit()
    assert exchange.title == f"{before} × {world.stranger_course.title}"


def test_a_title_the_lecturers_chose_stays_when_a_course_joins(factory, db):
    chosen = factory.world()
    assert chosen.exchange.title == "Marketing across borders"
    accept(
        chosen.stranger_lecturer,
        propose(chosen["lena"], chosen.courses["nl"], chosen.stranger_course, ""),
    )
    db.session.commit()
    assert chosen.exchange.title == "Marketing across borders"


def test_teams_page_guides_placing_students_of_a_joining_course(client, auth, factory, db):
    world = factory.world()
    accept(
        world.stranger_lecturer,
        propose(world["lena"], world.courses["nl"], world.stranger_course, ""),
    )
    newcomer = factory.user(Role.STUDENT, world.stranger, name="Nia Newcomer")
    enrol_student(newcomer, world.stranger_course)
    db.session.commit()
    auth.login(world["lena"].email)
    page = client.get(f"/exchanges/{world.exchange.id}/teams").get_data(as_text=True)
    assert "Students in no team" in page
    assert "1 student is in no team yet" in page
    assert "Nia Newcomer" in page and "Suggest a team" in page
