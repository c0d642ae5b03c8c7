"""Proposing, agreeing, accepting: the pairing workflow through the real pages."""

from __future__ import annotations

import re

import pytest

from coil.exchanges.models import Exchange
from coil.notifications.models import Notification
from coil.pairings.models import Proposal


def _propose(auth, pair, message="Let's work together"):
    url = f"/proposals/new?from_course_id={pair.nl_course.id}&to_course_id={pair.mx_course.id}"
    return auth.post(url, {"from_course_id": str(pair.nl_course.id), "message": message})


def _proposal(db):
    db.session.expire_all()
    return db.session.query(Proposal).one()


def test_propose_page_explains_the_fit_without_contact_details(client, auth, pair):
    auth.login(pair.nl_lecturer.email)
    page = client.get(
        f"/proposals/new?from_course_id={pair.nl_course.id}&to_course_id={pair.mx_course.id}"
    )
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "overlapping weeks" in body and "Mexico City" in body
    assert pair.mx_lecturer.email not in body


def test_the_whole_workflow_ends_in_an_exchange(client, auth, pair, db, outbox):
    auth.login(pair.nl_lecturer.email)
    response = _propose(auth, pair)
    assert response.status_code == 302
    proposal = _proposal(db)
    assert (proposal.status, proposal.from_course_id) == ("pending", pair.nl_course.id)
    # the engine's findings are suggested in the empty agreement (in the reader's language)
    items = {item.key: item for item in proposal.agreement}
    assert items["working_language"].text == items["exchange_dates"].text == ""
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "English (B2)" in page
    # The block before Mexico City's break: Amsterdam is still on winter time, so the classes
    # share 210 minutes a week there against 90 after the break.
    assert "6 weeks between February 8, 2027 and March 19, 2027" in page
    # the other lecturer is told in-app and by mail, with a link
    note = db.session.query(Notification).filter_by(user_id=pair.mx_lecturer.id).one()
    assert note.kind == "proposal_received"
    assert outbox[-1].to == [pair.mx_lecturer.email]
    assert f"/proposals/{proposal.id}" in outbox[-1].body

    # the proposer fills in and confirms the agreement
    agreement = {f"agreement-{key}": f"{key} text" for key in items}
    agreement.update({f"agreement-{key}_ok": "y" for key in items})
    url = f"/proposals/{proposal.id}"
    assert auth.post(f"{url}/agreement", agreement, form_url=url).status_code == 302
    auth.logout()

    # the other lecturer sees every point open on their side, replies, confirms and accepts
    auth.login(pair.mx_lecturer.email)
    page = client.get(url).get_data(as_text=True)
    assert "6 points are not yet agreed by both sides." in page
    assert pair.nl_lecturer.email not in page  # privacy until acceptance
    assert auth.post(f"{url}/reply", {"reply-body": "Happy to!"}, form_url=url).status_code == 302
    confirm = {f"agreement-{key}": f"{key} text" for key in items}
    confirm.update({f"agreement-{key}_ok": "y" for key in items})
    assert auth.post(f"{url}/agreement", confirm, form_url=url).status_code == 302
    assert "Both sides agree on every point." in client.get(url).get_data(as_text=True)
    response = auth.post(f"{url}/accept", {}, form_url=url)
    assert response.status_code == 302 and "/exchanges/" in response.headers["Location"]

    exchange = db.session.query(Exchange).one()
    assert sorted(c.id for c in exchange.courses) == sorted([pair.nl_course.id, pair.mx_course.id])
    assert (exchange.start_date.isoformat(), exchange.working_language) == ("2027-02-08", "en")
    db.session.expire_all()
    assert {pair.nl_course.status, pair.mx_course.status} == {"paired"}
    exchange_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert pair.nl_lecturer.email in exchange_page  # contact details after acceptance
    kinds = [n.kind for n in db.session.query(Notification).filter_by(user_id=pair.nl_lecturer.id)]
    assert kinds == ["proposal_reply", "proposal_accepted"]  # same texts: no "changed" note
    coordinator_kinds = [
        n.kind for n in db.session.query(Notification).filter_by(user_id=pair.mx_coordinator.id)
    ]
    assert coordinator_kinds == ["exchange_created"]


def test_editing_a_point_clears_the_other_sides_confirmation(client, auth, pair, db):
    auth.login(pair.nl_lecturer.email)
    _propose(auth, pair)
    proposal = _proposal(db)
    url = f"/proposals/{proposal.id}"
    keys = [item.key for item in proposal.agreement]
    both = {f"agreement-{k}": "agreed text" for k in keys} | {
        f"agreement-{k}_ok": "y" for k in keys
    }
    auth.post(f"{url}/agreement", both, form_url=url)
    auth.logout()
    auth.login(pair.mx_lecturer.email)
    auth.post(f"{url}/agreement", both, form_url=url)
    changed = dict(both, **{"agreement-tools": "Teams and Miro"})
    auth.post(f"{url}/agreement", changed, form_url=url)
    proposal = _proposal(db)
    tools = next(item for item in proposal.agreement if item.key == "tools")
    assert (tools.confirmed_by_recipient, tools.confirmed_by_proposer) == (True, False)
    assert not tools.resolved
    assert [item.key for item in proposal.agreement if not item.resolved] == ["tools"]


def test_only_the_other_side_can_answer(client, auth, pair, db):
    auth.login(pair.nl_lecturer.email)
    _propose(auth, pair)
    proposal = _proposal(db)
    url = f"/proposals/{proposal.id}"
    assert auth.post(f"{url}/accept", {}, form_url=url).status_code == 403
    assert auth.post(f"{url}/decline", {"decline-reason": "x"}, form_url=url).status_code == 403
    auth.logout()
    auth.login(pair.mx_coordinator.email)  # coordinators read, they do not answer
    assert client.get(url).status_code == 200
    assert auth.post(f"{url}/accept", {}, form_url=url).status_code == 403
    assert auth.post(f"{url}/reply", {"reply-body": "hi"}, form_url=url).status_code == 403
    assert _proposal(db).status == "pending"


def test_decline_needs_a_reason_and_tells_the_proposer(client, auth, pair, db):
    auth.login(pair.nl_lecturer.email)
    _propose(auth, pair)
    proposal = _proposal(db)
    url = f"/proposals/{proposal.id}"
    auth.logout()
    auth.login(pair.mx_lecturer.email)
    empty = auth.post(f"{url}/decline", {"decline-reason": ""}, form_url=url)
    assert empty.status_code == 422 and "This field is required." in empty.get_data(as_text=True)
    assert _proposal(db).status == "pending"
    auth.post(f"{url}/decline", {"decline-reason": "Our calendar changed"}, form_url=url)
    assert (_proposal(db).status, _proposal(db).decline_reason) == (
        "declined",
        "Our calendar changed",
    )
    auth.logout()
    auth.login(pair.nl_lecturer.email)
    assert "Our calendar changed" in client.get(url).get_data(as_text=True)


def test_withdraw_and_no_duplicates(client, auth, pair, db):
    auth.login(pair.nl_lecturer.email)
    _propose(auth, pair)
    again = _propose(auth, pair)
    assert again.status_code == 422 and "already waiting" in again.get_data(as_text=True)
    proposal = _proposal(db)
    url = f"/proposals/{proposal.id}"
    assert auth.post(f"{url}/withdraw", {}, form_url=url).status_code == 302
    assert _proposal(db).status == "withdrawn"
    assert auth.post(f"{url}/withdraw", {}, form_url=url).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "student", "anonymous"])
def test_outsiders_cannot_read_a_proposal(client, auth, pair, db, factory, who):
    from coil.accounts.models import Role

    auth.login(pair.nl_lecturer.email)
    _propose(auth, pair)
    proposal = _proposal(db)
    auth.logout()
    if who == "outsider":
        auth.login(factory.user(Role.LECTURER).email)
    elif who == "student":
        auth.login(factory.user(Role.STUDENT, pair.nl_course.institution).email)
    response = client.get(f"/proposals/{proposal.id}")
    if who == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403


def test_cannot_propose_to_own_institution_or_from_someone_elses_course(
    client, auth, pair, factory, db
):
    from coil.accounts.models import Role
    from coil.courses.services import create_course
    from tests.pairings.conftest import AMSTERDAM

    colleague = factory.user(Role.LECTURER, pair.nl_course.institution)
    colleague_course = create_course(colleague, AMSTERDAM)
    db.session.commit()
    auth.login(pair.nl_lecturer.email)
    url = f"/proposals/new?to_course_id={colleague_course.id}"
    response = auth.post(url, {"from_course_id": str(pair.nl_course.id), "message": ""})
    assert response.status_code == 422
    assert "another institution" in response.get_data(as_text=True)
    url = f"/proposals/new?to_course_id={pair.mx_course.id}"
    forged = auth.post(url, {"from_course_id": str(colleague_course.id), "message": ""})
    assert forged.status_code == 422  # not one of the lecturer's own courses
    assert db.session.query(Proposal).count() == 0


def test_a_third_course_joins_the_same_exchange(client, auth, pair, third_course, db):
    auth.login(pair.nl_lecturer.email)
    _propose(auth, pair)
    first = _proposal(db)
    auth.logout()
    auth.login(pair.mx_lecturer.email)
    url = f"/proposals/{first.id}"
    auth.post(f"{url}/accept", {}, form_url=url)
    auth.logout()
    za_lecturer, za_course = third_course
    auth.login(pair.nl_lecturer.email)
    response = auth.post(
        f"/proposals/new?to_course_id={za_course.id}",
        {"from_course_id": str(pair.nl_course.id), "message": "Join us?"},
    )
    assert response.status_code == 302
    second = db.session.query(Proposal).filter_by(to_course_id=za_course.id).one()
    assert second.exchange_id is not None
    auth.logout()
    auth.login(za_lecturer.email)
    url = f"/proposals/{second.id}"
    assert "existing exchange" in client.get(url).get_data(as_text=True)
    auth.post(f"{url}/accept", {}, form_url=url)
    db.session.expire_all()
    exchange = db.session.query(Exchange).one()
    assert len(exchange.courses) == 3


def test_garbage_input_never_crashes(client, auth, pair):
    auth.login(pair.nl_lecturer.email)
    for url in [
        "/proposals/new",
        "/proposals/new?to_course_id=abc",
        "/proposals/new?to_course_id=99999999999",
        "/proposals/999999",
    ]:
        assert client.get(url).status_code in (403, 404), url
    huge = _propose(auth, pair, message="x" * 6000)
    assert huge.status_code == 422
    assert re.search(r"5000", huge.get_data(as_text=True))
