"""Weekly availability: the service's rules and the editor on the profile page."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from coil.accounts.models import AvailabilitySlot
from coil.accounts.services import availability_of, set_availability
from coil.core.errors import ServiceError


def test_set_availability_replaces_the_rows(factory, db):
    user = factory.user()
    set_availability(user, [(2, time(9), time(10)), (0, time(18), time(20, 30))])
    set_availability(user, [(4, time(13), time(14))])
    db.session.commit()
    assert [(s.weekday, s.start_time) for s in availability_of(user)] == [(4, time(13))]


@pytest.mark.parametrize(
    "slots",
    [
        [(7, time(9), time(10))],
        [(-1, time(9), time(10))],
        [(1, time(22), time(1))],  # overnight
        [(1, time(9), time(9))],
        [(1, time(9), time(10))] * 2,
        [(d % 7, time(h), time(h, 30)) for d in range(3) for h in range(8)],  # 24 > 21
    ],
)
def test_set_availability_refuses(factory, db, slots):
    user = factory.user()
    with pytest.raises(ServiceError):
        set_availability(user, slots)
    assert db.session.scalars(select(AvailabilitySlot)).all() == []


def test_profile_page_edits_availability_in_the_users_zone(client, auth, factory, db):
    user = factory.user(timezone="Asia/Tokyo")
    auth.login(user.email)
    page = client.get("/profile").get_data(as_text=True)
    assert "Asia/Tokyo" in page and "When you can meet" in page
    data = {"slots-0-weekday": "1", "slots-0-start": "08:00", "slots-0-end": "09:15"}
    assert auth.post("/profile/availability", data, form_url="/profile").status_code == 302
    assert [(s.weekday, s.end_time) for s in availability_of(user)] == [(1, time(9, 15))]
    bad = {"slots-0-weekday": "1", "slots-0-start": "10:00", "slots-0-end": "09:00"}
    response = auth.post("/profile/availability", bad, form_url="/profile")
    assert response.status_code == 422
    assert "End after the start" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(availability_of(user)) == 1
