"""The engagement page, its chart data, the setting, and the summary box on the exchange page."""

from __future__ import annotations

from coil.engagement.models import EngagementSetting
from tests.conftest import csrf_token


def page(client, world):
    return client.get(f"/exchanges/{world.exchange.id}/engagement")


def test_lecturers_see_every_student_and_the_warnings(world, auth, client, frozen):
    auth.login(world["lena"].email)
    response = page(client, world)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Early warnings" in html and "6 warnings" in html
    assert "No activity for 19 days." in html
    assert "Anna wrote 80% of the team&#39;s messages (Gini 0.62)." in html
    assert "Diego" in html and "Elena" in html
    assert f'data-source="/exchanges/{world.exchange.id}/engagement/data.json"' in html
    assert "Flag a student after this many days without activity" in html


def test_member_coordinators_see_aggregates_and_their_own_students(world, auth, client, frozen):
    auth.login(world["cora"].email)
    html = page(client, world).get_data(as_text=True)
    assert "Your institution's students" in html
    assert "Anna" in html and "Carla" in html
    assert "Diego" not in html and "Elena" not in html  # Mexico City's students
    assert "Early warnings" not in html  # warnings name students of every class
    assert "Voice balance per team" in html
    assert "Flag a student" not in html


def test_chart_data_holds_the_tables_figures(world, auth, client, frozen):
    auth.login(world["lena"].email)
    data = client.get(f"/exchanges/{world.exchange.id}/engagement/data.json").get_json()
    assert data["teams"]["labels"] == ["Alpha", "Beta"]
    assert data["teams"]["message_gini"] == [0.62, 0.0]
    assert data["teams"]["turn_gini"] == [0.62, None]  # 20 / 32 = 0.625, rounded to even
    assert data["teams"]["messages"] == [15, 5]
    messages = next(s for s in data["weekly"]["series"] if s["kind"] == "message.posted")
    assert messages["data"][:5] == [0, 1, 10, 13, 0]
    assert data["weekly"]["labels"][0] == "Week 1 (1 Feb)"


def test_lecturers_set_the_inactivity_days(world, auth, client, db, frozen):
    auth.login(world["lena"].email)
    url = f"/exchanges/{world.exchange.id}/engagement"
    token = csrf_token(client, url)
    response = client.post(f"{url}/settings", data={"inactivity_days": "20", "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(db.select(EngagementSetting.inactivity_days)) == 20
    html = page(client, world).get_data(as_text=True)
    assert "No activity for 19 days." not in html and "5 warnings" in html


def test_a_bad_number_of_days_is_refused_with_a_message(world, auth, client, db, frozen):
    auth.login(world["lena"].email)
    url = f"/exchanges/{world.exchange.id}/engagement"
    token = csrf_token(client, url)
    for value in ("0", "61", "seven", ""):
        response = client.post(
            f"{url}/settings", data={"inactivity_days": value, "csrf_token": token}
        )
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Between 1 and 60 days." in html or "Enter a number of days." in html
    assert db.session.scalar(db.select(EngagementSetting)) is None


def test_the_exchange_page_shows_lecturers_a_summary_box(world, auth, client, frozen):
    auth.login(world["lena"].email)
    html = client.get(f"/exchanges/{world.exchange.id}").get_data(as_text=True)
    assert "6 early warnings:" in html
    assert "students without activity: 2" in html
    assert "teams dominated by one person or class: 2" in html
    assert "teams without a live session yet: 1" in html
    auth.logout()
    auth.login(world["anna"].email)
    html = client.get(f"/exchanges/{world.exchange.id}").get_data(as_text=True)
    assert "early warning" not in html and "/engagement" not in html
