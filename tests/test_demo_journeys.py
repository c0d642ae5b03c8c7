"""The README's journeys, walked through the web pages on the data `coil demo` loads.

The demo is loaded for the day the test runs (the running exchange is dated around it), so the
assertions about "now" hold whatever the date; the pairing journey's courses teach in spring
2027 on real academic calendars, which does not depend on the day either.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from coil.accounts.services import find_user_by_email
from coil.core.time import utcnow
from coil.courses.models import Course
from coil.demo.seed import DEMO_PASSWORD, seed_demo
from coil.dialogue.models import PromptCard
from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse
from coil.pairings.models import Proposal

ROSTER = Path(__file__).resolve().parents[1] / "docs" / "demo" / "roster-nusantara.csv"


@pytest.fixture()
def demo(app, db):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    seed_demo()
    return db


def _login(client, auth, email: str) -> None:
    auth.logout()
    assert auth.login(email, DEMO_PASSWORD).status_code == 302, email


def _course(title: str) -> Course:
    from coil.extensions import db

    return db.session.scalar(select(Course).where(Course.title == title))


def _exchange_of(title: str) -> Exchange:
    from coil.extensions import db

    course = _course(title)
    return db.session.scalar(
        select(Exchange)
        .join(ExchangeCourse, ExchangeCourse.exchange_id == Exchange.id)
        .where(ExchangeCourse.course_id == course.id)
    )


def test_pieter_finds_strong_and_weak_partners_in_several_zones(demo, client, auth):
    _login(client, auth, "pieter@amstelland.example")
    mine = _course("Consumer Behaviour")
    page = client.get(f"/courses/{mine.id}").get_data(as_text=True)
    scores = {
        title: int(re.search(re.escape(title) + r".*?(\d+) / 100", page, re.S).group(1))
        for title in (
            "Consumer Insights",
            "Digital Marketing in Southeast Asia",
            "Marketing Principles",
        )
    }
    assert scores["Consumer Insights"] >= 80 and scores["Digital Marketing in Southeast Asia"] >= 70
    assert scores["Marketing Principles"] < 60, "Cape Town shares no class hour: a weak match"
    # The class hours both courses share, in both local times.
    other = _course("Consumer Insights")
    why = client.get(f"/courses/{mine.id}/why/{other.id}").get_data(as_text=True)
    assert re.search(r"in Amsterdam is \d\d:\d\d\D{1,12}\d\d:\d\d in Mexico City", why), (
        "both local times"
    )


def test_pieter_proposes_and_carlos_agrees_and_accepts(demo, client, auth):
    mine, theirs = _course("Consumer Behaviour"), _course("Consumer Insights")
    _login(client, auth, "pieter@amstelland.example")
    url = f"/proposals/new?to_course_id={theirs.id}"
    response = auth.post(url, {"from_course_id": mine.id, "message": "Shall we?"})
    assert response.status_code == 302
    proposal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    _login(client, auth, "carlos@utvalle.example")
    home = client.get("/").get_data(as_text=True)
    assert "Consumer Behaviour" in home and "waiting for your answer" in home
    show = f"/proposals/{proposal_id}"
    assert auth.post(f"{show}/reply", {"reply-body": "Yes!"}, show).status_code == 302
    agreed = {"agreement-tools": "Teams and a shared drive", "agreement-tools_ok": "y"}
    assert auth.post(f"{show}/agreement", agreed, show).status_code == 302
    response = auth.post(f"{show}/accept", {}, show)
    assert response.status_code == 302 and "/exchanges/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "pieter@amstelland.example" in page, "contact details are shared once accepted"


def test_a_proposal_from_surabaya_waits_for_pieter(demo, client, auth):
    from coil.extensions import db

    _login(client, auth, "pieter@amstelland.example")
    home = client.get("/").get_data(as_text=True)
    assert "Digital Marketing in Southeast Asia" in home
    proposal = db.session.scalar(select(Proposal).where(Proposal.status == "pending"))
    assert proposal.to_course.title == "Consumer Behaviour"
    show = f"/proposals/{proposal.id}"
    response = auth.post(f"{show}/accept", {}, show)
    assert response.status_code == 302 and "/exchanges/" in response.headers["Location"]


def test_coordinator_and_admin_start_from_their_institutions(demo, client, auth):
    _login(client, auth, "sanne@amstelland.example")
    home = client.get("/").get_data(as_text=True)
    assert "Digital Marketing in Southeast Asia" in home, "the proposal to her lecturer"
    proposals = home.split('id="proposals-title"')[1].split("</section>")[0]
    assert "Pieter Jansen" in proposals, "whose answer the proposal waits for"
    assert "waiting for your answer" not in home, "the coordinator does not answer it"
    assert "International Marketing × Global Marketing" in home
    _login(client, auth, "admin@coil.example")
    home = client.get("/").get_data(as_text=True)
    assert "Harbour City University" in home


def test_johan_and_budi_run_the_cape_town_surabaya_exchange(demo, client, auth):
    exchange = _exchange_of("Business Communication Across Cultures")
    _login(client, auth, "johan@tablebay.example")
    assert exchange.title in client.get("/exchanges/").get_data(as_text=True)
    roster = f"/exchanges/{exchange.id}/roster"
    johan_course = _course("Business Communication Across Cultures")
    response = auth.post(
        f"/exchanges/{exchange.id}/join-links",
        {"course_id": johan_course.id, "max_uses": 30, "days": 14},
        roster,
    )
    assert "Join link created" in response.get_data(as_text=True)
    _login(client, auth, "budi@nusantara.example")
    from tests.conftest import csrf_token

    budi_course = _course("Sustainable Tourism Management")
    response = client.post(
        f"/exchanges/{exchange.id}/roster/upload",
        data={
            "csrf_token": csrf_token(client, roster),
            "course_id": budi_course.id,
            "roster": (io.BytesIO(ROSTER.read_bytes()), "roster-nusantara.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    from coil.extensions import db

    enrolled = db.session.scalars(
        select(Enrolment.user_id).where(Enrolment.exchange_id == exchange.id)
    ).all()
    assert len(enrolled) >= 2 + 4, "Lerato and Sipho, and the Surabaya roster"


def test_students_in_each_state(demo, client, auth):
    _login(client, auth, "lerato@tablebay.example")
    home = client.get("/").get_data(as_text=True)
    assert "Business Communication Across Cultures × Sustainable Tourism Management" in home
    assert "Fill in when you can meet each week" not in home, "Lerato gave her availability"
    _login(client, auth, "sipho@tablebay.example")
    assert "Fill in when you can meet each week" in client.get("/").get_data(as_text=True)
    _login(client, auth, "kagiso@tablebay.example")
    assert "not in an exchange yet" in client.get("/").get_data(as_text=True)


def test_daan_and_diego_talk_in_team_tulip_with_cards_for_this_phase(demo, client, auth):
    from coil.dialogue.services import current_phase
    from coil.extensions import db

    exchange = _exchange_of("International Marketing")
    today = utcnow().date()
    assert exchange.status == "running"
    assert exchange.start_date <= today - timedelta(days=30)
    assert today < exchange.end_date <= today + timedelta(days=21)
    phase = current_phase(exchange, today)
    assert phase is not None and phase.key == exchange.phases[-1].key, "in its last phase now"
    cards = db.session.scalars(select(PromptCard).where(PromptCard.exchange_id == exchange.id))
    assert {card.phase_id for card in cards} == {p.id for p in exchange.phases}
    for email in ("daan@amstelland.example", "diego@utvalle.example"):
        _login(client, auth, email)
        home = client.get("/").get_data(as_text=True)
        assert "Team Tulip" in home and "Final presentations" in home
        assert "Rehearse the final presentation" in home
        room = re.search(r'href="(/rooms/\d+)"', home.split('id="ex-title"')[1]).group(1)
        assert client.get(room).status_code == 200
    _login(client, auth, "pieter@amstelland.example")
    cards_page = client.get(f"/exchanges/{exchange.id}/prompts").get_data(as_text=True)
    assert "Show us something within arm" in cards_page


def test_every_account_the_readme_names_exists(demo):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    emails = set(re.findall(r"`([a-z]+@[a-z]+\.example)`", readme))
    assert len(emails) >= 8
    for email in emails:
        assert find_user_by_email(email) is not None, email


def test_the_badge_journey_valeria_earns_it_pieter_checks_sanne_revokes(demo, client, auth):
    """README, micro-credentials: Valeria does her closing self-assessment, Pieter checks the
    rules, she holds the badge, its credential verifies, Sanne revokes it with a reason."""
    from coil.credentials.models import Award, Badge
    from coil.extensions import db

    valeria = find_user_by_email("valeria@utvalle.example")
    badge = db.session.scalars(select(Badge)).one()
    holders = {a.student.email for a in db.session.scalars(select(Award))}
    assert "valeria@utvalle.example" not in holders and len(holders) == 6
    x = badge.exchange_id

    _login(client, auth, "valeria@utvalle.example")
    form = f"/exchanges/{x}/assessment/self/post"
    fields = set(re.findall(r'name="(d_[a-z_]+)"', client.get(form).get_data(as_text=True)))
    assert len(fields) >= 5
    done = auth.post(form, dict.fromkeys(fields, "2"), form)
    assert done.status_code == 302

    _login(client, auth, "pieter@amstelland.example")
    assert (
        auth.post(f"/exchanges/{x}/badges/check", {}, f"/exchanges/{x}/badges").status_code == 302
    )
    award = db.session.scalars(select(Award).where(Award.student_id == valeria.id)).one()
    assert {item["kind"] for item in award.observed} == {"sessions", "self_assessment"}

    _login(client, auth, "valeria@utvalle.example")
    wallet = client.get("/credentials").get_data(as_text=True)
    assert "Intercultural Marketing Collaborator" in wallet
    mine = re.findall(r'name="entry" value="(\d+)"', wallet)
    assert len(mine) == 2, "her two portfolio reflections can be shown as evidence"
    ticked = auth.post(f"/credentials/{award.id}/evidence", {"entry": mine[0]}, "/credentials")
    assert ticked.status_code == 302
    page = client.get(f"/badges/c/{award.uid}").get_data(as_text=True)
    assert f"/badges/c/{award.uid}/evidence/{mine[0]}" in page
    token = client.get(f"/badges/c/{award.uid}/credential.jwt").get_data(as_text=True)
    auth.logout()
    verdict = client.post("/verify.json", json={"credential": token}).get_json()
    assert verdict["status"] == "valid", verdict

    _login(client, auth, "sanne@amstelland.example")
    revoked = auth.post(
        f"/awards/{award.id}/revoke", {"reason": "Awarded by mistake"}, f"/exchanges/{x}/badges"
    )
    assert revoked.status_code == 302
    auth.logout()
    verdict = client.post("/verify.json", json={"credential": token}).get_json()
    assert verdict["status"] == "revoked" and "Awarded by mistake" in str(verdict)
