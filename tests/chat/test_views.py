"""Room pages: who may open them, what they show, the rooms index, the topic form, the badge."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from coil import ROOT
from coil.accounts.models import Role
from coil.chat import sending, services
from coil.chat.models import Room
from coil.core.time import utcnow

CONFIG_RE = re.compile(r'<script type="application/json" id="room-config">(.*?)</script>', re.S)
STRINGS_RE = re.compile(r'<script type="application/json" id="room-strings">(.*?)</script>', re.S)
NAV_BADGE_RE = re.compile(
    r'data-rooms-nav[^>]*>[^<]*<span class="badge nav-badge" data-rooms-unread( hidden)?>'
    r"<span data-count>(\d+)</span>"
)


def page(response) -> str:
    return response.get_data(as_text=True)


def room_config(response) -> dict:
    match = CONFIG_RE.search(page(response))
    assert match, "no room configuration on the page"
    return json.loads(match.group(1))


def nav_badge(response) -> tuple[bool, int] | None:
    """Return (shown, count) of the navigation's unread badge, or None without a Rooms link."""
    match = NAV_BADGE_RE.search(page(response))
    return None if match is None else (match.group(1) is None, int(match.group(2)))


def post(world, author, room, text: str, client_id: str | None = None):
    message, _created = sending.post_message(author, room, client_id or text, text)
    services.db.session.commit()
    return message


@pytest.mark.parametrize(
    ("person", "can_post", "can_moderate"),
    [
        ("member", True, False),
        ("teammate", True, False),
        ("lecturer", True, True),
        ("partner_lecturer", True, True),
        ("coordinator", False, False),
    ],
)
def test_the_room_page_opens_for_members_lecturers_and_coordinators(
    world, auth, client, person, can_post, can_moderate
):
    auth.login(getattr(world, person).email)
    response = client.get(f"/rooms/{world.room_a.id}")
    assert response.status_code == 200
    html = page(response)
    assert "Team Kopi" in html
    assert 'role="log"' in html and 'aria-live="polite"' in html
    assert "/vendor/socket.io-client/socket.io.min.js" in html
    assert html.count("socket.io.min.js") == 1  # one library, one shared connection
    assert '<script type="module" src="/static/js/room/main.js?v=' in html
    config = room_config(response)
    assert config["room"] == world.room_a.id
    assert config["me"] == {"id": getattr(world, person).id, "name": getattr(world, person).name}
    assert config["canPost"] is can_post
    assert config["canModerate"] is can_moderate
    assert config["timeZone"] and config["locale"] == "en"
    assert ('id="composer"' in html) is can_post
    assert ("You can read along in this room but not write in it." in html) is (not can_post)


@pytest.mark.parametrize("person", ["other_team", "outsider", "dropped", "foreign_lecturer"])
def test_the_room_page_is_closed_to_everyone_else(world, auth, client, person):
    auth.login(getattr(world, person).email)
    assert client.get(f"/rooms/{world.room_a.id}").status_code == 403


def test_an_unknown_room_is_not_found(world, auth, client):
    auth.login(world.member.email)
    assert client.get("/rooms/987654").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    response = client.get(f"/rooms/{world.room_a.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.get("/rooms/").status_code == 302


def test_the_newest_messages_are_on_the_page_sanitised_in_order(world, auth, client):
    post(world, world.teammate, world.room_a, "Selamat pagi, **team**!")
    post(world, world.member, world.room_a, "<script>alert('x')</script> hello")
    post(world, world.other_team, world.room_b, "Only for team B")
    auth.login(world.member.email)
    html = page(client.get(f"/rooms/{world.room_a.id}"))
    assert "Selamat pagi, <strong>team</strong>!" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert html.index("Selamat pagi") < html.index("hello")
    assert "Only for team B" not in html
    assert 'class="message mine' in html  # the viewer's own message is marked


def test_a_reply_shows_a_quote_of_the_original(world, auth, client):
    original = post(world, world.teammate, world.room_a, "Shall we meet on Friday?")
    sending.post_message(world.member, world.room_a, "r1", "Yes, at ten.", original.id)
    services.db.session.commit()
    auth.login(world.member.email)
    html = page(client.get(f"/rooms/{world.room_a.id}"))
    assert "In reply to Dewi:" in html


def test_deleted_text_is_hidden_from_students_but_not_from_lecturers(world, auth, client):
    message = post(world, world.teammate, world.room_a, "Oops, wrong room")
    services.delete_message(world.teammate, message)
    services.db.session.commit()
    auth.login(world.member.email)
    student_view = page(client.get(f"/rooms/{world.room_a.id}"))
    assert "Oops, wrong room" not in student_view
    assert "This message was deleted." in student_view
    auth.logout()
    auth.login(world.lecturer.email)
    assert "Oops, wrong room" in page(client.get(f"/rooms/{world.room_a.id}"))


def test_an_archived_room_shows_a_disabled_composer_with_a_note(world, auth, client, db):
    world.room_a.archived_at = utcnow()
    db.session.commit()
    auth.login(world.member.email)
    response = client.get(f"/rooms/{world.room_a.id}")
    html = page(response)
    assert re.search(r'id="archived-note"(?! hidden)', html)
    assert re.search(r'<textarea id="composer-body"[^>]* disabled', html)
    assert room_config(response)["archived"] is True


def test_every_string_of_the_room_script_comes_translated_from_the_page(world, auth, client):
    auth.login(world.member.email)
    html = page(client.get(f"/rooms/{world.room_a.id}"))
    strings = json.loads(STRINGS_RE.search(html).group(1))
    for key in ("connected", "reconnecting", "reconnected", "sending", "typingOne", "edited"):
        assert strings[key]
    assert strings["typingOne"] == "{name} is typing…"
    script = "".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "static" / "js" / "room").glob("*.js")
    )
    used = set(re.findall(r"\bT\.(\w+)", script))
    assert used <= set(strings), f"missing strings: {used - set(strings)}"


def test_the_rooms_index_lists_only_ones_own_rooms_with_unread_counts(world, auth, client):
    post(world, world.teammate, world.room_a, "one")
    post(world, world.teammate, world.room_a, "two")
    post(world, world.member, world.room_a, "my own is never unread")
    post(world, world.other_team, world.room_b, "team B talk")
    post(world, world.other_team, world.exchange_room, "hello everyone")
    auth.login(world.member.email)
    response = client.get("/rooms/")
    assert response.status_code == 200
    html = page(response)
    assert "Marketing across borders" in html and "Team Kopi" in html
    assert f"/rooms/{world.room_b.id}" not in html
    badges = dict(re.findall(r'data-room-unread="(\d+)"[^>]*><span data-count>(\d+)<', html))
    assert badges == {str(world.room_a.id): "2", str(world.exchange_room.id): "1"}
    assert "Open a topic room" not in html  # students do not get the form


def test_reading_a_room_lowers_its_count(world, auth, client, db):
    last = post(world, world.teammate, world.room_a, "read me")
    auth.login(world.member.email)
    assert nav_badge(client.get("/rooms/")) == (True, 1)
    services.mark_read(world.member, world.room_a, last.id)
    db.session.commit()
    assert nav_badge(client.get("/rooms/")) == (False, 0)


def test_the_navigation_badge_counts_unread_messages_in_all_rooms(world, auth, client):
    post(world, world.teammate, world.room_a, "a")
    post(world, world.other_team, world.exchange_room, "b")
    post(world, world.other_team, world.exchange_room, "c")
    auth.login(world.member.email)
    response = client.get("/")
    assert nav_badge(response) == (True, 3)
    assert "js/rooms-nav.js" in page(response)


def test_people_without_rooms_get_no_live_connection(world, auth, client, factory):
    auth.login(world.outsider.email)
    response = client.get("/")
    assert nav_badge(response) == (False, 0)
    assert "socket.io.min.js" not in page(response)
    auth.logout()
    factory.user(Role.ADMIN, None, email="root@coil.example")
    auth.login("root@coil.example")
    assert nav_badge(client.get("/")) is None  # admins are in no room: no Rooms link


def test_the_rooms_index_shows_the_topic_form_to_lecturers(world, auth, client):
    auth.login(world.lecturer.email)
    html = page(client.get("/rooms/"))
    assert "Open a topic room" in html
    assert f'action="/rooms/exchanges/{world.exchange.id}/topics"' in html
    assert f'name="topic-{world.exchange.id}-name"' in html
    assert f"/rooms/{world.room_b.id}" in html  # lecturers are in every room of the exchange


def test_a_lecturer_opens_a_topic_room(world, auth, client, db, emitted):
    auth.login(world.lecturer.email)
    field = f"topic-{world.exchange.id}-name"
    response = auth.post(
        f"/rooms/exchanges/{world.exchange.id}/topics",
        {field: "  Week 3: interviews  "},
        form_url="/rooms/",
    )
    assert response.status_code == 302
    room = db.session.scalar(select(Room).where(Room.kind == "topic"))
    assert room is not None and room.name == "Week 3: interviews"
    assert response.headers["Location"].endswith(f"/rooms/{room.id}")
    events = [c.args for c in emitted.call_args_list if c.args[0] == "room"]
    assert events and events[0][1]["op"] == "created" and events[0][1]["id"] == room.id
    assert "Week 3: interviews" in page(client.get(f"/rooms/{room.id}"))
    auth.logout()
    auth.login(world.other_team.email)  # every student of the exchange is in a topic room
    assert client.get(f"/rooms/{room.id}").status_code == 200


@pytest.mark.parametrize(
    ("name", "error"),
    [("   ", "Give the topic a name."), ("x" * 121, "at most 120 characters")],
)
def test_a_bad_topic_name_is_a_form_error(world, auth, client, db, name, error):
    auth.login(world.lecturer.email)
    response = auth.post(
        f"/rooms/exchanges/{world.exchange.id}/topics",
        {f"topic-{world.exchange.id}-name": name},
        form_url=f"/rooms/exchanges/{world.exchange.id}",
    )
    assert response.status_code == 422
    html = page(response)
    assert error in html and 'aria-invalid="true"' in html
    assert db.session.scalar(select(func.count(Room.id)).where(Room.kind == "topic")) == 0


@pytest.mark.parametrize("person", ["member", "coordinator", "foreign_lecturer"])
def test_only_the_exchanges_lecturers_open_topic_rooms(world, auth, client, db, person):
    auth.login(getattr(world, person).email)
    response = auth.post(
        f"/rooms/exchanges/{world.exchange.id}/topics",
        {f"topic-{world.exchange.id}-name": "Sneaky"},
        form_url="/profile",
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Room.id)).where(Room.kind == "topic")) == 0


def test_the_topic_form_needs_its_csrf_token(world, auth, client, db):
    auth.login(world.lecturer.email)
    response = client.post(
        f"/rooms/exchanges/{world.exchange.id}/topics",
        data={f"topic-{world.exchange.id}-name": "No token"},
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Room.id)).where(Room.kind == "topic")) == 0


def test_an_exchanges_rooms_page_lists_the_viewers_rooms_there(world, auth, client):
    auth.login(world.other_team.email)
    response = client.get(f"/rooms/exchanges/{world.exchange.id}")
    assert response.status_code == 200
    html = page(response)
    assert f"/rooms/{world.room_b.id}" in html and f"/rooms/{world.exchange_room.id}" in html
    assert f"/rooms/{world.room_a.id}" not in html
    auth.logout()
    auth.login(world.outsider.email)
    assert client.get(f"/rooms/exchanges/{world.exchange.id}").status_code == 403


def test_team_links_lead_to_the_team_room(world, auth, client):
    auth.login(world.member.email)
    response = client.get(f"/rooms/teams/{world.team_a.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/rooms/{world.room_a.id}")
    assert client.get(f"/rooms/teams/{world.team_b.id}").status_code == 403
    assert client.get("/rooms/teams/987654").status_code == 404
    mine = page(client.get(f"/exchanges/{world.exchange.id}/my-team"))
    assert f"/rooms/teams/{world.team_a.id}" in mine
    overview = page(client.get(f"/exchanges/{world.exchange.id}"))
    assert f"/rooms/exchanges/{world.exchange.id}" in overview
