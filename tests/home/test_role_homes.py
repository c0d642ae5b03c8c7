"""Each role's home is where they start their day: what they have, and what is asked of them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from coil.accounts.models import AvailabilitySlot, Invitation, Role
from coil.chat.models import Message
from coil.core.time import utcnow
from coil.institutions.models import PartnerRelation
from coil.schedule.models import LiveSession
from coil.spaces.models import Task


def _page(client, auth, user) -> str:
    auth.login(user.email)
    return client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_student_sees_team_room_unread_session_and_tasks(client, auth, factory, db):
    world = factory.world()
    anna, dewi = world["anna"], world["dewi"]
    room = world.team_rooms[0]
    for n in range(2):
        db.session.add(Message(room_id=room.id, author_id=dewi.id, client_id=f"m{n}", body="hoi"))
    db.session.add(Message(room_id=room.id, author_id=anna.id, client_id="own", body="mine"))
    start = utcnow().replace(microsecond=0) + timedelta(days=2)
    db.session.add(
        LiveSession(
            exchange_id=world.exchange.id,
            title="Kick-off call",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            timezone="Europe/Amsterdam",
            uid="kick-off@test",
        )
    )
    space = world.team_spaces[0]
    db.session.add(Task(space_id=space.id, title="Draft the survey", status="todo"))
    db.session.add(Task(space_id=space.id, title="Finished already", status="done"))
    db.session.commit()
    page = _page(client, auth, anna)
    assert "Marketing across borders" in page and "Team Kopi" in page
    assert f'href="/rooms/{room.id}"' in page
    assert "2 unread" in page, "two messages by Dewi; Anna's own message is not unread"
    assert "Kick-off call" in page
    assert "Draft the survey" in page and "Finished already" not in page
    assert f'href="/spaces/{space.id}"' in page
    assert "not in an exchange yet" not in page


def test_student_is_asked_for_availability_until_given(client, auth, factory, db):
    world = factory.world()
    bram = world["bram"]
    page = _page(client, auth, bram)
    assert "Fill in when you can meet each week" in page
    db.session.add(
        AvailabilitySlot(user_id=bram.id, weekday=0, start_time=time(9), end_time=time(12))
    )
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Fill in when you can meet each week" not in page


def test_student_outside_any_exchange_is_told_so(client, auth, factory):
    world = factory.world()
    page = _page(client, auth, world["olga"])
    assert "not in an exchange yet" in page
    assert "Fill in when you can meet each week" not in page, "nothing to form teams for"


def test_lecturer_sees_proposals_exchanges_and_what_needs_attention(client, auth, factory, db):
    world = factory.world(teams=(), publish=None)
    lena = world["lena"]
    own = factory.course(world.stranger_lecturer, title="Waiting proposal course", status="open")
    from coil.pairings.services import propose

    second = factory.course(lena, title="Lena's second course", status="open")
    propose(world.stranger_lecturer, own, second, "Shall we?")
    db.session.commit()
    page = _page(client, auth, lena)
    assert "Waiting proposal course" in page and "waiting for your answer" in page
    assert "Marketing across borders" in page
    # Anna, Bram and Dewi are active (Dirk dropped out): none gave availability yet.
    assert "3 students have not filled in their availability yet." in page
    assert "Teams are not published yet." in page
    assert "being built" not in page
    assert "Lena&#39;s second course" in page


def test_lecturer_attention_counts_only_students_without_availability(client, auth, factory, db):
    world = factory.world(teams=(), publish=None)
    for key in ("anna", "dewi"):
        db.session.add(
            AvailabilitySlot(
                user_id=world[key].id, weekday=1, start_time=time(9), end_time=time(10)
            )
        )
    db.session.commit()
    page = _page(client, auth, world["lena"])
    assert "1 student has not filled in their availability yet." in page, "only Bram"


def test_published_exchange_needs_no_team_attention(client, auth, factory):
    world = factory.world()
    page = _page(client, auth, world["lena"])
    assert "Teams are not published yet." not in page
    assert "have not filled in their availability" not in page, "teams are formed already"


def test_coordinator_sees_exchanges_and_partners_to_review(client, auth, factory, db):
    world = factory.world()
    cora = world["cora"]
    page = _page(client, auth, cora)
    assert "Marketing across borders" in page
    assert "Universitas Kopi" in page.split('id="reviews-title"')[1].split("</section>")[0]
    assert "waiting for your answer" not in page, "a coordinator does not answer proposals"
    assert "soon" not in page and "Coming next" not in page
    db.session.add(
        PartnerRelation(
            institution_id=world.institutions["nl"].id,
            partner_id=world.institutions["id"].id,
            kind="allow",
        )
    )
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "has been reviewed" in page


def test_admin_sees_pending_coordinator_invitations(client, auth, factory, db):
    admin = factory.user(Role.ADMIN)
    institution = factory.institution(name="Pending University")
    db.session.add(
        Invitation(
            token_hash="x" * 64,
            role="coordinator",
            institution_id=institution.id,
            email="new@pending.example",
            expires_at=datetime.now(UTC) + timedelta(days=3),
        )
    )
    db.session.commit()
    page = _page(client, auth, admin)
    assert "new@pending.example" in page and "Pending University" in page


def test_team_name_falls_back_to_its_number(client, auth, factory):
    world = factory.world()
    bram = world["bram"]
    page = _page(client, auth, bram)
    assert "Your team: Team 2" in page
