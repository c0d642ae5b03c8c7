"""Assessment pages through the client (CSRF on): a student's self-assessment and peer
evaluation, a lecturer's rating beside the evidence, the overview, reopening a window, and
clear messages with nothing stored for bad input."""

from __future__ import annotations

from sqlalchemy import func, select

from coil.assessment import services
from coil.assessment.models import LecturerRating, PeerEvaluation, SelfAssessment
from tests.assessment.conftest import VALUE_KEYS, levels, peer


def login(auth, user):
    assert auth.login(user.email).status_code == 302


def page(response) -> str:
    return response.get_data(as_text=True)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def radios(prefix: str, chosen: dict[str, int]) -> dict[str, str]:
    return {f"{prefix}{key}": str(value) for key, value in chosen.items()}


def test_a_student_self_assesses_with_the_descriptors_shown(opened, client, auth, db):
    login(auth, opened["anna"])
    base = f"/exchanges/{opened.exchange.id}/assessment"
    form = page(client.get(f"{base}/self/pre"))
    assert "<fieldset" in form and "<legend>Empathy" in form
    assert 'type="radio"' in form and 'name="d_empathy"' in form
    response = auth.post(f"{base}/self/pre", radios("d_", levels(1, empathy=2)))
    assert response.status_code == 302
    (done,) = db.session.scalars(select(SelfAssessment))
    assert done.levels == levels(1, empathy=2)
    services.submit_self_assessment(opened["anna"], opened.exchange, "post", levels(3))
    db.session.commit()
    mine = page(client.get(base))
    assert "Change" in mine and "Done" in mine


def test_a_missing_level_is_shown_and_nothing_is_stored(opened, client, auth, db):
    login(auth, opened["anna"])
    url = f"/exchanges/{opened.exchange.id}/assessment/self/pre"
    partial = radios("d_", {key: 2 for key in VALUE_KEYS[:-1]})
    response = auth.post(url, partial)
    assert response.status_code == 422
    assert "Choose a level for every dimension." in page(response)
    out = auth.post(url, {**partial, "d_openness": "7"})
    assert out.status_code == 422 and "Choose a level from 0 to 4." in page(out)
    assert count(db, SelfAssessment) == 0


def test_a_closed_window_says_so(kopi, client, auth, db):
    login(auth, kopi["anna"])
    url = f"/exchanges/{kopi.exchange.id}/assessment/self/pre"
    assert "not open now" in page(client.get(url))
    response = auth.post(url, radios("d_", levels()))
    assert response.status_code == 422 and "This assessment is not open now." in page(response)


def test_a_student_evaluates_teammates_and_sees_no_one_elses_scores(opened, client, auth, db):
    anna, dewi = opened["anna"], opened["dewi"]
    login(auth, anna)
    url = f"/exchanges/{opened.exchange.id}/assessment/peers"
    form = page(client.get(url))
    assert "Dewi" in form and "Contributing to the team&#39;s work" in form
    assert "Bram" not in form and "Dirk" not in form  # another team; dropped out
    data = {**radios(f"p_{dewi.id}_", peer(4)), **radios("s_", peer(5))}
    assert auth.post(url, data).status_code == 302
    (evaluation,) = db.session.scalars(select(PeerEvaluation))
    assert evaluation.self_scores == peer(5)
    auth.logout()
    login(auth, dewi)
    mine = page(client.get(f"/exchanges/{opened.exchange.id}/assessment"))
    assert "Shown once at least 2 teammates" in mine and "4.0" not in mine


def test_a_lecturer_rates_beside_the_evidence_and_the_student_reads_it(kopi, client, auth, db):
    lena, anna = kopi["lena"], kopi["anna"]
    login(auth, lena)
    url = f"/exchanges/{kopi.exchange.id}/assessment/students/{anna.id}"
    record = page(client.get(url))
    assert "Evidence" in record and "What the ledger recorded" in record
    assert 'name="d_curiosity"' in record
    data = {**radios("d_", levels(3)), "note": "Asks good questions"}
    response = auth.post(f"{url}/rate", data, form_url=url)
    assert response.status_code == 302
    (rating,) = db.session.scalars(select(LecturerRating))
    assert rating.levels == levels(3) and rating.note == "Asks good questions"
    again = auth.post(f"{url}/rate", data, form_url=url)  # the form is gone, but a replay
    assert again.status_code == 422 and "already rated" in page(again)
    assert count(db, LecturerRating) == 1
    auth.logout()
    login(auth, anna)
    mine = page(client.get(f"/exchanges/{kopi.exchange.id}/assessment"))
    assert "Asks good questions" in mine and "Lena" in mine


def test_the_overview_shows_agreement_and_flags_only_to_lecturers(kopi, client, auth, db):
    for student, a, b in (("anna", 1, 1), ("dewi", 2, 3), ("bram", 3, 3)):
        services.rate(kopi["lena"], kopi.exchange, kopi[student], levels(a))
        services.rate(kopi["budi"], kopi.exchange, kopi[student], levels(b))
    db.session.commit()
    url = f"/exchanges/{kopi.exchange.id}/assessment/overview"
    login(auth, kopi["lena"])
    shown = page(client.get(url))
    assert "kappa 0.67" in shown and "67%" in shown and "Peer evaluations" in shown
    assert "Dewi" in shown  # every student listed for lecturers
    auth.logout()
    login(auth, kopi["cora"])
    shown = page(client.get(url))
    assert "kappa 0.67" in shown and "Peer evaluations" not in shown
    assert "Anna" in shown and ">Dewi<" not in shown  # her own institution's students only


def test_a_lecturer_reopens_a_window(kopi, client, auth, db):
    login(auth, kopi["lena"])
    overview = f"/exchanges/{kopi.exchange.id}/assessment/overview"
    url = f"/exchanges/{kopi.exchange.id}/assessment/windows/pre/reopen"
    assert auth.post(url, {"days": "3"}, form_url=overview).status_code == 302
    assert "reopened until" in page(client.get(overview))
    bad = auth.post(url, {"days": "0"}, form_url=overview)
    assert bad.status_code == 422


def test_lecturers_see_who_is_flagged_and_coordinators_do_not(opened, client, auth, db):
    anna, dewi, exchange = opened["anna"], opened["dewi"], opened.exchange
    services.evaluate_peers(anna, exchange, {dewi.id: peer(5)}, peer(5))
    services.evaluate_peers(dewi, exchange, {anna.id: peer(1)}, peer(5))
    db.session.commit()
    url = f"/exchanges/{exchange.id}/assessment/overview"
    login(auth, opened["lena"])
    shown = page(client.get(url))
    assert "Rates themself well above what teammates give" in shown  # Anna: 5 against 1
    assert "teammates&#39; mean 1.0" in shown
    assert "the ledger recorded (almost) nothing" in shown  # Dewi: 5 from Anna, no events
    auth.logout()
    login(auth, opened["cora"])
    shown = page(client.get(url))
    assert "Rates themself" not in shown and "Who gave whom what" not in shown
