"""Prompt cards through the services: lecturers manage the deck, rooms draw from it."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time

import pytest
from sqlalchemy import func, select

from coil.core.errors import ServiceError
from coil.core.time import utcnow
from coil.dialogue import library, services
from coil.dialogue.models import PromptDraw
from tests.dialogue.conftest import write


def refused(code, action, *args):
    with pytest.raises(ServiceError) as error:
        action(*args)
    assert error.value.code == code, error.value.message
    return error.value


def on(day):
    return datetime.combine(day, time(12), tzinfo=utcnow().tzinfo)


def test_lecturers_write_change_archive_and_restore_cards(world, db, phases):
    card = write(world, "  Show us your desk.  ")
    assert (card.text, card.kind, card.phase_id, card.created_by_id) == (
        "Show us your desk.",
        "icebreaker",
        None,
        world.lecturer.id,
    )
    second = write(world, "Compare your grading.", "comparison", phases[1])
    assert second.position == card.position + 1
    services.update_card(world.partner_lecturer, card, "reflection", "What surprised you?", None)
    assert (card.kind, card.text) == ("reflection", "What surprised you?")
    services.archive_card(world.lecturer, card)
    assert card.archived_at is not None
    assert services.cards_of(world.exchange) == [second]
    assert services.cards_of(world.exchange, archived=True) == [card]
    services.restore_card(world.lecturer, card)
    assert card.archived_at is None


@pytest.mark.parametrize(
    "person", ["coordinator", "member", "outsider", "foreign_lecturer", "partner_lecturer"]
)
def test_only_the_exchange_lecturers_manage_cards(world, db, person):
    actor = getattr(world, person)
    if person == "partner_lecturer":
        assert services.create_card(actor, world.exchange, "icebreaker", "Hi?", None).id
        return
    refused("forbidden", services.create_card, actor, world.exchange, "icebreaker", "Hi?", None)
    card = write(world, "Hello?")
    for action in (services.archive_card, services.restore_card):
        refused("forbidden", action, actor, card)
    refused("forbidden", services.update_card, actor, card, "icebreaker", "Changed", None)
    refused(
        "forbidden", services.pick_starters, actor, world.exchange, ["icebreaker-1"], "en", None
    )


@pytest.mark.parametrize(
    ("kind", "text", "code", "field"),
    [
        ("warmup", "Hi?", "malformed", "kind"),
        ("icebreaker", "   ", "empty", "text"),
        ("icebreaker", None, "malformed", "text"),
        ("icebreaker", "x" * 501, "too_long", "text"),
    ],
)
def test_a_card_needs_a_kind_and_a_question(world, db, kind, text, code, field):
    error = refused(code, services.create_card, world.lecturer, world.exchange, kind, text, None)
    assert error.field == field


def test_a_card_belongs_to_a_phase_of_its_own_exchange(world, db, phases):
    error = refused(
        "not_found", services.create_card, world.lecturer, world.exchange, "icebreaker", "Hi", 999
    )
    assert error.field == "phase"


def test_picking_from_the_library_copies_each_prompt_once(world, db, phases):
    cards = services.pick_starters(
        world.lecturer, world.exchange, ["icebreaker-1", "reflection-2"], "nl", phases[0].id
    )
    assert [c.text for c in cards] == [
        library.starter("icebreaker-1").texts["nl"],
        library.starter("reflection-2").texts["nl"],
    ]
    assert [c.kind for c in cards] == ["icebreaker", "reflection"]
    assert {c.phase_id for c in cards} == {phases[0].id}
    again = services.pick_starters(
        world.lecturer, world.exchange, ["icebreaker-1", "comparison-3"], "en", None
    )
    assert [c.starter for c in again] == ["comparison-3"]
    assert again[0].text == library.starter("comparison-3").texts["en"]
    refused("malformed", services.pick_starters, world.lecturer, world.exchange, ["x"], "en", None)
    refused("malformed", services.pick_starters, world.lecturer, world.exchange, [1], "en", None)
    refused("empty", services.pick_starters, world.lecturer, world.exchange, [], "en", None)
    refused(
        "malformed",
        services.pick_starters,
        world.lecturer,
        world.exchange,
        ["icebreaker-2"],
        "de",
        None,
    )


def test_the_library_has_six_bilingual_prompts_of_each_kind():
    counts = Counter(s.kind for s in library.STARTERS)
    assert counts == {"icebreaker": 6, "comparison": 6, "reflection": 6}
    assert all(s.texts["en"] and s.texts["nl"] for s in library.STARTERS)
    assert len({s.key for s in library.STARTERS}) == len(library.STARTERS)


def test_a_draw_goes_through_the_deck_before_repeating(world, db, emitted):
    cards = [write(world, f"Question {n}") for n in range(4)]
    db.session.commit()
    drawn = [services.draw_card(world.member, world.room_a).card_id for _ in range(4)]
    assert sorted(drawn) == sorted(c.id for c in cards)
    fifth = services.draw_card(world.teammate, world.room_a)
    assert fifth.card_id != drawn[-1]  # a new pass does not open with the last card
    # Another room has its own pass through the deck.
    others = [services.draw_card(world.other_team, world.room_b).card_id for _ in range(4)]
    assert sorted(others) == sorted(c.id for c in cards)
    db.session.commit()
    assert db.session.scalar(select(func.count(PromptDraw.id))) == 9
    event, payload = emitted.call_args_list[0].args
    assert (event, payload["op"], payload["room_id"]) == ("prompt", "drawn", world.room_a.id)
    assert payload["draw"]["card"]["id"] == drawn[0]
    assert payload["draw"]["drawn_by"] == {"id": world.member.id, "name": "Anna"}


def test_a_draw_prefers_the_current_phase(world, db, phases, clock):
    ice = write(world, "Icebreaker", phase=phases[0])
    general = write(world, "For every phase")
    compare = write(world, "Comparison", "comparison", phases[1])
    db.session.commit()
    clock.now = on(phases[0].start_date)
    february = {services.draw_card(world.member, world.room_a).card_id for _ in range(6)}
    assert february == {ice.id, general.id}
    clock.now = on(phases[1].end_date)
    march = {services.draw_card(world.member, world.room_a).card_id for _ in range(4)}
    assert march == {compare.id, general.id}


def test_without_cards_for_the_phase_the_whole_deck_is_drawn(world, db, phases, clock):
    ice = write(world, "Icebreaker", phase=phases[0])
    clock.now = on(phases[1].start_date)
    assert services.draw_card(world.member, world.room_a).card_id == ice.id
    clock.now = on(world.exchange.end_date.replace(year=2030))  # after every phase
    assert services.draw_card(world.member, world.room_a).card_id == ice.id


def test_a_draw_can_ask_for_one_kind_and_never_takes_archived_cards(world, db):
    ice = write(world, "Icebreaker")
    reflect = write(world, "Reflection", "reflection")
    archived = write(world, "Old reflection", "reflection")
    services.archive_card(world.lecturer, archived)
    for _ in range(3):
        assert services.draw_card(world.member, world.room_a, "reflection").card_id == reflect.id
    assert services.draw_card(world.member, world.room_a, "icebreaker").card_id == ice.id
    refused("empty", services.draw_card, world.member, world.room_a, "comparison")
    refused("malformed", services.draw_card, world.member, world.room_a, "nonsense")


def test_an_empty_deck_says_so(world, db):
    refused("empty", services.draw_card, world.member, world.room_a)


@pytest.mark.parametrize(
    ("person", "code"),
    [("outsider", "not_member"), ("other_team", "not_member"), ("coordinator", "forbidden")],
)
def test_only_people_taking_part_draw(world, db, person, code):
    write(world, "Hello?")
    refused(code, services.draw_card, getattr(world, person), world.room_a)


def test_no_draws_in_an_archived_room_but_the_last_card_stays_readable(world, db, clock):
    write(world, "Hello?")
    draw = services.draw_card(world.member, world.room_a)
    world.room_a.archived_at = clock.now
    refused("archived", services.draw_card, world.member, world.room_a)
    assert services.room_draw(world.coordinator, world.room_a) is draw
    refused("not_member", services.room_draw, world.outsider, world.room_a)
