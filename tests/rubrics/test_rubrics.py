"""The platform's default rubric and an exchange's choice of rubric."""

from __future__ import annotations

import pytest

from coil.core.errors import ServiceError
from coil.rubrics import services, value
from coil.rubrics.models import Rubric
from coil.rubrics.text import localised


def test_the_default_rubric_has_the_six_value_dimensions_in_three_languages(db, factory):
    rubric = services.platform_rubric()
    db.session.commit()
    assert [d.key for d in rubric.dimensions] == [
        "self_awareness",
        "worldview",
        "empathy",
        "communication",
        "curiosity",
        "openness",
    ]
    assert [level.value for level in rubric.levels] == [0, 1, 2, 3, 4]
    for dimension in rubric.dimensions:
        assert set(dimension.descriptors) == {"0", "1", "2", "3", "4"}
        for texts in dimension.descriptors.values():
            assert set(texts) == {"en", "nl", "es"} and all(texts.values())
    assert localised(rubric.levels[2].name, "nl") == "Mijlpaal 2"
    assert localised(rubric.levels[4].name, "es_MX") == "Culminación 4"
    assert localised({"en": "only English"}, "nl") == "only English"
    # made once: asking again returns the same rows
    assert services.platform_rubric().id == rubric.id
    assert db.session.query(Rubric).filter_by(key=value.KEY).count() == 1


def test_an_exchange_uses_the_default_until_its_lecturers_choose(db, factory):
    kopi = factory.world()
    exchange = kopi.exchange
    assert services.rubric_of(exchange).key == value.KEY
    own = Rubric(key="kopi-own", institution_id=kopi.institutions["nl"].id, name={"en": "Own"})
    foreign = Rubric(key="other", institution_id=kopi.stranger.id, name={"en": "Other"})
    db.session.add_all([own, foreign])
    db.session.commit()
    with pytest.raises(ServiceError, match="lecturers"):
        services.choose_rubric(kopi["anna"], exchange, own)
    with pytest.raises(ServiceError, match="member institution"):
        services.choose_rubric(kopi["lena"], exchange, foreign)
    services.choose_rubric(kopi["lena"], exchange, own)
    db.session.commit()
    assert services.rubric_of(exchange).key == "kopi-own"
