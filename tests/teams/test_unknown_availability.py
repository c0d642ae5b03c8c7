"""The teams page says plainly when availability is unknown instead of inventing shared hours."""

from __future__ import annotations

from datetime import time

from coil.accounts.models import AvailabilitySlot


def _teams_page(client, auth, world) -> str:
    assert auth.login(world["lena"].email).status_code == 302
    response = client.get(f"/exchanges/{world.exchange.id}/teams")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _team_section(page: str, number: int) -> str:
    return page.split(f'id="team-{number}"')[1].split("</section>")[0]


def test_no_availability_is_unknown_not_a_week_of_shared_hours(client, auth, factory):
    world = factory.world()  # nobody has filled in availability
    page = _teams_page(client, auth, world)
    team = _team_section(page, 1)
    assert "availability unknown: nobody in this team has filled it in yet" in team
    assert "shared hours a week" not in team.split("<table")[0], "no invented week of shared hours"
    # Anna, Bram and Dewi are active; Dirk dropped out.
    assert "0 of 3 students have filled in their availability." in page


def test_partly_known_availability_is_counted(client, auth, factory, db):
    world = factory.world()
    db.session.add(
        AvailabilitySlot(user_id=world["anna"].id, weekday=1, start_time=time(9), end_time=time(17))
    )
    db.session.commit()
    page = _teams_page(client, auth, world)
    # Team 1 holds Anna and Dewi (Dirk dropped out); team 2 holds Bram alone.
    team = _team_section(page, 1)
    assert "1 of 2 members have filled in their availability" in team
    assert "shared hours a week" in team.split("<table")[0], "known in part: hours still shown"
    assert "nobody in this team has filled it in yet" in _team_section(page, 2)
    assert "1 of 3 students have filled in their availability." in page
