"""Find a time says plainly when availability is unknown, and how many gave it."""

from __future__ import annotations

from datetime import time

from coil.accounts.models import AvailabilitySlot


def _page(client, auth, user, url):
    assert auth.login(user.email).status_code == 302
    return client.get(url).get_data(as_text=True)


def test_nobody_filled_in_reads_as_unknown_not_as_no_time(world, client, auth):
    url = f"/sessions/exchange/{world.exchange.id}/findtime"
    page = _page(client, auth, world.bruno, url)
    assert "Availability is unknown" in page
    assert "0 of 2 members have filled in their availability." in page
    assert "no weekly time" not in page


def test_count_of_members_who_filled_in(world, client, auth, db):
    db.session.add(
        AvailabilitySlot(user_id=world.anna.id, weekday=1, start_time=time(14), end_time=time(17))
    )
    db.session.commit()
    page = _page(client, auth, world.bruno, f"/sessions/exchange/{world.exchange.id}/findtime")
    assert "1 of 2 members have filled in their availability." in page
    assert "Availability is unknown" not in page
    assert "Not yet filled in:" in page and "Bruno" in page
