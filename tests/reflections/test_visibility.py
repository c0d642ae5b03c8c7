"""Who reads what: the student their own entries; teammates shared entries only (submitted
text, no feedback); the exchange's lecturers every entry; coordinators of a member institution
counts, and the entries of their own institution's students; admins counts only."""

from __future__ import annotations

import pytest

from coil.accounts.models import Role
from coil.reflections import permissions, queries, services

READ_IN_FULL = {"anna", "lena", "budi", "cora"}  # Anna's own, the lecturers, NL's coordinator


@pytest.fixture()
def admin(factory):
    return factory.user(Role.ADMIN, None, name="Ada")


@pytest.fixture()
def entry(kopi, prompt, db):
    services.submit(kopi["anna"], kopi.exchange, prompt, "Anna's reflection")
    db.session.commit()
    return queries.entry_of(prompt, kopi["anna"])


PEOPLE = ["anna", "dewi", "bram", "dirk", "olga", "lena", "budi", "cora", "citra"]
OUTSIDE = ["stranger_student", "stranger_lecturer", "stranger_coordinator"]


@pytest.mark.parametrize("who", PEOPLE + OUTSIDE)
def test_an_unshared_entry_is_read_by_its_author_lecturers_and_own_coordinators(kopi, entry, who):
    person = kopi[who]
    assert permissions.can_read_in_full(person, entry) is (who in READ_IN_FULL)
    assert permissions.can_read(person, entry) is (who in READ_IN_FULL)


@pytest.mark.parametrize("who", PEOPLE + OUTSIDE)
def test_a_shared_entry_is_read_by_teammates_too_but_not_in_full(kopi, entry, db, who):
    services.set_sharing(kopi["anna"], entry, shared=True, in_portfolio=False)
    db.session.commit()
    person = kopi[who]
    # Dewi is Anna's teammate; Bram is in team 2, Dirk dropped out, Olga is not enrolled.
    assert permissions.can_read(person, entry) is (who in READ_IN_FULL | {"dewi"})
    assert permissions.can_read_in_full(person, entry) is (who in READ_IN_FULL)


def test_admins_see_counts_but_no_entry(kopi, entry, admin):
    assert permissions.can_see_counts(admin, kopi.exchange)
    assert not permissions.can_list_entries(admin, kopi.exchange)
    assert not permissions.can_read(admin, entry)


@pytest.mark.parametrize(
    ("who", "counts", "entries"),
    [
        ("lena", True, True),
        ("cora", True, True),
        ("citra", True, True),
        ("anna", False, False),
        ("stranger_coordinator", False, False),
        ("stranger_lecturer", False, False),
    ],
)
def test_who_sees_counts_and_lists_entries(kopi, who, counts, entries):
    assert permissions.can_see_counts(kopi[who], kopi.exchange) is counts
    assert permissions.can_list_entries(kopi[who], kopi.exchange) is entries


def test_a_coordinator_lists_only_their_own_institutions_students(kopi, entry, prompt):
    everyone = queries.entries_for(prompt)
    assert [(r.enrolment.user.name, r.team.name if r.team else None) for r in everyone] == [
        ("Anna", "Team Kopi"),
        ("Bram", ""),
        ("Dewi", "Team Kopi"),
        ("Dirk", "Team Kopi"),
    ]
    nl = queries.entries_for(prompt, kopi.institutions["nl"].id)
    assert [(r.enrolment.user.name, r.status.code) for r in nl] == [
        ("Anna", "submitted"),
        ("Bram", "not_started"),
        ("Dirk", "not_started"),
    ]
    indonesia = queries.entries_for(prompt, kopi.institutions["id"].id)
    assert [r.enrolment.user.name for r in indonesia] == ["Dewi"]


def test_counts_are_submitted_entries_per_prompt(kopi, entry, prompt, db):
    services.save_draft(kopi["dewi"], kopi.exchange, prompt, "Not yet")  # a draft: not counted
    services.submit(kopi["bram"], kopi.exchange, prompt, "Bram's")
    services.submit(kopi["anna"], kopi.exchange, prompt, "Anna's second")  # same entry
    db.session.commit()
    assert queries.submitted_counts(kopi.exchange) == {prompt.id: 2}


def test_teammates_find_shared_submitted_entries_in_their_journal(kopi, entry, prompt, db):
    dewi, members = kopi["dewi"], [m.user_id for m in kopi.teams[0].members]
    assert queries.shared_with(dewi, kopi.exchange, members) == []
    services.set_sharing(kopi["anna"], entry, shared=True, in_portfolio=False)
    services.save_draft(dewi, kopi.exchange, prompt, "Dewi's own draft")
    db.session.commit()
    assert queries.shared_with(dewi, kopi.exchange, members) == [entry]
    # Dewi's own entries are not "shared with" her, and Bram's team sees nothing of Anna's.
    assert queries.shared_with(kopi["anna"], kopi.exchange, members) == []
    bram_team = [m.user_id for m in kopi.teams[1].members]
    assert queries.shared_with(kopi["bram"], kopi.exchange, bram_team) == []
