"""The collaboration agreement stays alive after acceptance: open points can still be settled,
both sides see what is open, and the exchange page lists it."""

from __future__ import annotations

from coil.pairings.models import AGREEMENT_KEYS

TOOLS = "Teams for calls, a shared drive for files"


def _agree(auth, proposal_id: int, text: str, ok: bool = True):
    show = f"/proposals/{proposal_id}"
    data = {"agreement-tools": text}
    if ok:
        data["agreement-tools_ok"] = "y"
    return auth.post(f"{show}/agreement", data, show)


def test_open_points_are_settled_after_acceptance(client, auth, factory, db):
    world = factory.world()
    proposal = world.proposals[0]
    assert proposal.status == "accepted"
    exchange_page = f"/exchanges/{world.exchange.id}"
    auth.login(world["lena"].email)
    page = client.get(exchange_page).get_data(as_text=True)
    assert "Tools" in page and "Settle the open points" in page
    home = client.get("/").get_data(as_text=True)
    assert "agreement points with" in home and "are still open" in home
    assert _agree(auth, proposal.id, TOOLS).status_code == 302
    auth.logout()
    auth.login(world["budi"].email)
    show = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert TOOLS in show and "you can still settle these points here" in show
    assert _agree(auth, proposal.id, TOOLS).status_code == 302
    db.session.refresh(proposal)
    tools = next(item for item in proposal.agreement if item.key == "tools")
    assert tools.resolved, "both lecturers confirmed the same text after acceptance"
    page = client.get(exchange_page).get_data(as_text=True)
    open_count = len(AGREEMENT_KEYS) - sum(1 for item in proposal.agreement if item.resolved)
    assert f"{open_count} points are still open." in page


def test_a_change_after_acceptance_clears_the_other_sides_confirmation(auth, factory, db):
    world = factory.world()
    proposal = world.proposals[0]
    auth.login(world["lena"].email)
    _agree(auth, proposal.id, TOOLS)
    auth.logout()
    auth.login(world["budi"].email)
    _agree(auth, proposal.id, TOOLS + " and a whiteboard")
    db.session.refresh(proposal)
    tools = next(item for item in proposal.agreement if item.key == "tools")
    assert tools.confirmed_by_recipient and not tools.confirmed_by_proposer
    assert not tools.resolved


def test_people_outside_the_proposal_cannot_change_it(auth, factory, db):
    world = factory.world()
    proposal = world.proposals[0]
    for key in ("cora", "stranger_lecturer", "anna"):
        auth.login(world[key].email)
        assert _agree(auth, proposal.id, "Sneaky").status_code == 403, key
        auth.logout()
    db.session.refresh(proposal)
    assert all(item.text != "Sneaky" for item in proposal.agreement)
