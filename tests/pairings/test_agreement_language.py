"""The suggested agreement texts are in each reader's language and date format."""

from __future__ import annotations

import re

import pytest

from coil.pairings.models import Proposal


@pytest.mark.parametrize(
    ("locale", "language", "dates"),
    [
        ("en", "English (B2)", "6 weeks between February 8, 2027 and March 19, 2027"),
        ("nl", "Engels (B2)", "6 weken tussen 8 februari 2027 en 19 maart 2027"),
        ("es", "inglés (B2)", "6 semanas entre el 8 de febrero de 2027 y el 19 de marzo de 2027"),
    ],
)
def test_each_lecturer_reads_the_suggestions_in_their_language(
    client, auth, pair, db, locale, language, dates
):
    auth.login(pair.nl_lecturer.email)
    url = f"/proposals/new?from_course_id={pair.nl_course.id}&to_course_id={pair.mx_course.id}"
    auth.post(url, {"from_course_id": str(pair.nl_course.id), "message": "Hello"})
    proposal = db.session.query(Proposal).one()
    auth.logout()
    pair.mx_lecturer.locale = locale
    db.session.commit()
    auth.login(pair.mx_lecturer.email)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert language in page
    assert dates in page
    assert "2027-02-08" not in page


def test_a_saved_text_is_shown_as_written_not_replaced_by_a_suggestion(client, auth, pair, db):
    auth.login(pair.nl_lecturer.email)
    url = f"/proposals/new?from_course_id={pair.nl_course.id}&to_course_id={pair.mx_course.id}"
    auth.post(url, {"from_course_id": str(pair.nl_course.id), "message": "Hello"})
    proposal = db.session.query(Proposal).one()
    item = next(i for i in proposal.agreement if i.key == "working_language")
    item.text = "Spanish and English, B1"
    db.session.commit()
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    field = re.search(r'<textarea[^>]*name="agreement-working_language"[^>]*>([^<]*)<', page)
    assert field is not None and field.group(1).strip() == "Spanish and English, B1"
