"""Prompts: written by the exchange's lecturers or picked from the starter set, per phase,
tied to rubric dimensions, due at a moment entered in the lecturer's zone and stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from coil.core.errors import ServiceError
from coil.exchanges.models import DEFAULT_PHASES
from coil.reflections import queries, services, starters
from coil.reflections.models import ReflectionPrompt
from coil.rubrics import value
from tests.reflections.conftest import DUE_UTC, prompt_data


def count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ReflectionPrompt))


def test_a_lecturer_writes_a_prompt_for_a_phase_due_in_utc(kopi, db):
    made = services.create_prompt(kopi["budi"], kopi.exchange, prompt_data())
    db.session.commit()
    # The exchange had no phases stored: it gets the default four, and the prompt the second.
    assert [p.key for p in kopi.exchange.phases] == list(DEFAULT_PHASES)
    assert made.phase.key == "comparison"
    assert made.texts == {"en": "What surprised you?", "nl": "Wat verraste je?"}
    assert made.dimensions == ["empathy", "curiosity"]  # in the rubric's order
    assert made.due_at == DUE_UTC and made.due_timezone == "Europe/Amsterdam"
    assert made.created_by_id == kopi["budi"].id


def test_the_same_wall_clock_time_elsewhere_is_another_moment(kopi, db):
    made = services.create_prompt(kopi["budi"], kopi.exchange, prompt_data(timezone="Asia/Jakarta"))
    assert made.due_at == datetime(2027, 3, 5, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"texts": {"en": "  ", "nl": ""}}, "text_en", "empty"),
        ({"texts": {"es": "¿" + "x" * services.MAX_PROMPT}}, "text_es", "too_long"),
        ({"dimensions": []}, "dimensions", "empty"),
        ({"dimensions": ["teamwork"]}, "dimensions", "malformed"),
        ({"phase": 7}, "phase", "not_found"),
        ({"timezone": "Mars/Olympus"}, "timezone", "invalid"),
        # Amsterdam moves its clocks from 02:00 to 03:00 that night: 02:30 never happens.
        ({"due_day": date(2027, 3, 28), "due_time": time(2, 30)}, "due_time", "dst_gap"),
    ],
)
def test_a_bad_prompt_is_refused_on_its_field(kopi, db, changes, field, code):
    with pytest.raises(ServiceError) as refused:
        services.create_prompt(kopi["lena"], kopi.exchange, prompt_data(**changes))
    assert (refused.value.field, refused.value.code) == (field, code)
    db.session.rollback()
    assert count(db) == 0


@pytest.mark.parametrize("who", ["cora", "anna", "stranger_lecturer"])
def test_only_the_exchanges_lecturers_set_prompts(kopi, db, who):
    with pytest.raises(ServiceError) as refused:
        services.create_prompt(kopi[who], kopi.exchange, prompt_data())
    assert refused.value.code == "forbidden"
    with pytest.raises(ServiceError):
        services.pick_starters(kopi[who], kopi.exchange, ["icebreaker-1"], "Europe/Amsterdam")
    db.session.rollback()
    assert count(db) == 0


def test_changing_archiving_and_restoring_a_prompt(kopi, prompt, db):
    lena = kopi["lena"]
    services.update_prompt(lena, prompt, prompt_data(phase=0, texts={"es": "¿Qué te sorprendió?"}))
    db.session.commit()
    assert prompt.phase.key == "icebreaker" and prompt.texts == {"es": "¿Qué te sorprendió?"}
    services.archive_prompt(lena, prompt)
    db.session.commit()
    assert queries.prompts_of(kopi.exchange) == []
    assert queries.prompts_of(kopi.exchange, archived=True) == [prompt]
    services.restore_prompt(lena, prompt)
    db.session.commit()
    assert queries.prompts_of(kopi.exchange) == [prompt]
    with pytest.raises(ServiceError):
        services.archive_prompt(kopi["cora"], prompt)


def test_starters_go_to_their_phase_in_three_languages_due_at_its_end(kopi, db):
    made = services.pick_starters(
        kopi["lena"], kopi.exchange, ["comparison-2", "reflection-1"], "Asia/Jakarta"
    )
    db.session.commit()
    by_key = {p.starter: p for p in made}
    comparison, reflection = by_key["comparison-2"], by_key["reflection-1"]
    assert comparison.phase.key == "comparison" and reflection.phase.key == "reflection"
    assert set(comparison.texts) == {"en", "nl", "es"}
    assert comparison.dimensions == ["empathy"]
    # 23:59 in Jakarta (UTC+7) on the phase's last day
    end = comparison.phase.end_date
    assert comparison.due_at == datetime(end.year, end.month, end.day, 16, 59, tzinfo=UTC)
    # Picking again adds only what is new.
    again = services.pick_starters(
        kopi["lena"], kopi.exchange, ["comparison-2", "icebreaker-1"], "Asia/Jakarta"
    )
    assert [p.starter for p in again] == ["icebreaker-1"]
    assert queries.picked_starters(kopi.exchange) == {
        "comparison-2",
        "reflection-1",
        "icebreaker-1",
    }


@pytest.mark.parametrize(("keys", "code"), [([], "empty"), (["no-such-prompt"], "malformed")])
def test_picking_nothing_or_an_unknown_starter_is_refused(kopi, db, keys, code):
    with pytest.raises(ServiceError) as refused:
        services.pick_starters(kopi["lena"], kopi.exchange, keys, "Europe/Amsterdam")
    assert (refused.value.field, refused.value.code) == ("starters", code)


def test_every_starter_is_written_in_three_languages_about_default_dimensions():
    keys = {key for key, *_rest in value.DIMENSIONS}
    assert len({s.key for s in starters.STARTERS}) == len(starters.STARTERS)
    for starter in starters.STARTERS:
        assert starter.phase in DEFAULT_PHASES
        assert set(starter.texts) == set(starters.LANGUAGES)
        assert all(text.strip() for text in starter.texts.values())
        assert starter.dimensions and set(starter.dimensions) <= keys
    # every phase of a COIL module has something to pick, and every dimension is asked about
    assert {s.phase for s in starters.STARTERS} == set(DEFAULT_PHASES)
    assert {d for s in starters.STARTERS for d in s.dimensions} == keys
