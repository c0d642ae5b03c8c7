"""A badge's evidence: what the record showed when the rules awarded it, and the portfolio
entries its holder chose to make public, on the badge page and in the signed credential."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from jsonschema import Draft201909Validator

from coil.core.errors import ServiceError
from coil.credentials import issuing, services
from coil.credentials.verify import SCHEMA_FILE
from coil.reflections import queries as reflection_queries
from coil.reflections import services as reflections
from tests.credentials.conftest import meet_rules

SCHEMA = Draft201909Validator(json.loads(SCHEMA_FILE.read_text()))


def _entry(kopi, student, text, *, in_portfolio=True):
    data = reflections.PromptData(
        1,
        {"en": "What surprised you?", "nl": "Wat verraste je?"},
        ["curiosity"],
        date(2027, 3, 5),
        time(17),
        "Europe/Amsterdam",
    )
    asked = reflections.create_prompt(kopi["lena"], kopi.exchange, data)
    reflections.submit(student, kopi.exchange, asked, text)
    found = reflection_queries.entry_of(asked, student)
    reflections.set_sharing(student, found, shared=False, in_portfolio=in_portfolio)
    return found


@pytest.fixture()
def ruled(kopi, badge, db):
    meet_rules(kopi.exchange, kopi["anna"])
    (made,) = services.award_by_rules(kopi.exchange)
    db.session.commit()
    return made


def test_an_award_by_the_rules_keeps_what_the_record_showed(ruled, app):
    seen = {item["kind"]: item["seen"] for item in ruled.observed}
    assert seen == {
        "sessions": {"count": 2},
        "reflections": {"count": 2, "dimensions": 3},
        "self_assessment": {"done": True},
        "rating": {"count": 1},  # empathy at 3; curiosity at 1 is below level 2
    }
    with app.test_request_context():
        credential = issuing.credential(ruled)
    assert not list(SCHEMA.iter_errors(credential))
    narratives = [item["narrative"] for item in credential["evidence"]]
    assert "Present at 2 live sessions (the badge asks for 2)." in narratives
    assert all(item["type"] == ["Evidence"] and "id" not in item for item in credential["evidence"])


def test_the_holder_makes_portfolio_entries_public_as_evidence(kopi, ruled, auth, client, db):
    mine = _entry(kopi, kopi["anna"], "Time zones *taught* me patience. " * 20)
    private = _entry(kopi, kopi["anna"], "Not for the portfolio.", in_portfolio=False)
    theirs = _entry(kopi, kopi["dewi"], "Dewi's own thoughts.")
    db.session.commit()
    page = f"/badges/c/{ruled.uid}/evidence/{mine.id}"
    assert client.get(page).status_code == 404  # not chosen yet

    auth.login("anna@nl.example")
    wallet = client.get("/credentials")
    assert "What surprised you?" in wallet.text and "Not for the portfolio" not in wallet.text
    for refused in (private.id, theirs.id, "x"):
        answer = auth.post(f"/credentials/{ruled.id}/evidence", {"entry": refused}, "/credentials")
        assert answer.status_code == 303
    db.session.expire_all()
    assert ruled.evidence == []
    done = auth.post(f"/credentials/{ruled.id}/evidence", {"entry": mine.id}, "/credentials")
    assert done.status_code == 302
    auth.logout()

    db.session.expire_all()
    shown = client.get(page)
    assert shown.status_code == 200 and "<em>taught</em>" in shown.text
    assert "Anna" not in shown.text  # her badge is private: the page does not name her
    assert f"/badges/c/{ruled.uid}/evidence/{mine.id}" in client.get(f"/badges/c/{ruled.uid}").text
    credential = client.get(f"/badges/c/{ruled.uid}/credential.json").get_json()
    assert not list(SCHEMA.iter_errors(credential))
    linked = [item for item in credential["evidence"] if "id" in item]
    assert [item["id"].split("/", 3)[3] for item in linked] == [page.lstrip("/")]
    assert linked[0]["genre"] == "Reflection" and len(linked[0]["narrative"]) <= 282

    services.set_evidence(kopi["anna"], ruled, [])
    db.session.commit()
    assert client.get(page).status_code == 404


def test_a_stranger_cannot_choose_evidence_for_an_award(kopi, ruled):
    entry = _entry(kopi, kopi["dewi"], "Dewi's entry")
    with pytest.raises(ServiceError):
        services.set_evidence(kopi["dewi"], ruled, [entry.id + 1000])
