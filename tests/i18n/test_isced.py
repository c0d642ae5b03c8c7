"""ISCED-F field names follow the interface language, with English as the fallback."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from coil.courses import isced
from coil.courses.choices import discipline_filter_choices, isced_choices
from coil.courses.labels import field_title


def test_every_field_has_a_dutch_and_a_spanish_title():
    for field in isced.fields().values():
        assert field.titles.keys() == {"nl", "es"}, field.code
        assert all(text.strip() for text in field.titles.values()), field.code


@pytest.mark.parametrize(
    ("locale", "title"),
    [
        ("en", "Marketing and advertising"),
        ("nl", "Marketing en reclame"),
        ("es", "Mercadotecnia y publicidad"),
        ("es_MX", "Mercadotecnia y publicidad"),
        ("fr", "Marketing and advertising"),  # no French list: English
    ],
)
def test_title_in_each_language(locale, title):
    field = isced.get("0414")
    assert field is not None and field.title(locale) == title


def test_labels_and_choices_use_the_ui_language(app):
    with app.test_request_context(), force_locale("nl"):
        assert field_title("0413") == "0413 Management en bestuur"
        labels = {choice.value: choice.label for choice in isced_choices()}
        assert labels["0611"].endswith("0611 Computergebruik")
        optgroups = {choice.optgroup for choice in isced_choices()}
        assert "06 Informatie- en communicatietechnologie (ICT)" in optgroups
    with app.test_request_context(), force_locale("es"):
        filters = {choice.value: choice.label for choice in discipline_filter_choices()}
        assert filters["09"] == "09 Salud y bienestar"
        assert field_title("0521") == "0521 Ciencias ambientales"
