"""CATME-style flags on plain data: each fires on its pattern and stays quiet otherwise."""

from __future__ import annotations

from coil.assessment import flags


def codes(found):
    return sorted((f.code, f.student) for f in found)


def test_a_calm_team_has_no_flags():
    given = {(1, 2): 4.0, (2, 1): 4.2, (1, 3): 3.8, (3, 1): 4.0, (2, 3): 4.0, (3, 2): 3.6}
    own = {1: 4.0, 2: 4.0, 3: 3.8}
    assert flags.team_flags(7, [1, 2, 3], given, own, {1: 10, 2: 12, 3: 9}) == []


def test_overconfident_low_performer_and_ledger_contrast():
    # 3 rates themself 5 while teammates give 2.0 and 2.4 (mean 2.2): overconfident (gap 2.8)
    # and low performer (2.2 <= 2.5). 1 gets 4.6 and 4.2 (4.4) with one ledger event.
    given = {(1, 2): 3.6, (2, 1): 4.6, (3, 1): 4.2, (1, 3): 2.0, (2, 3): 2.4, (3, 2): 3.4}
    own = {1: 4.0, 2: 3.6, 3: 5.0}
    found = flags.student_flags(7, [1, 2, 3], given, own, {1: 1, 2: 20, 3: 15})
    assert codes(found) == [("ledger_contrast", 1), ("low_performer", 3), ("overconfident", 3)]
    over = next(f for f in found if f.code == "overconfident")
    assert over.figures == {"self": 5.0, "peers": 2.2}


def test_a_gap_just_under_one_level_is_not_overconfidence():
    given = {(2, 1): 3.2, (3, 1): 3.0}
    assert flags.student_flags(7, [1, 2, 3], given, {1: 4.0}, {1: 9}) == []  # gap 0.9


def test_disagreement_when_ratings_of_one_member_lie_two_apart():
    given = {(2, 1): 5.0, (3, 1): 2.8, (1, 2): 4.0, (3, 2): 4.0}
    found = flags.disagreement(7, [1, 2, 3], given)
    assert found is not None and found.student == 1 and found.figures == {"spread": 2.2}
    given[3, 1] = 3.2
    assert flags.disagreement(7, [1, 2, 3], given) is None


def test_clique_two_pairs_rating_only_each_other_highly():
    # 1 and 2 rate each other 5, 3 and 4 rate each other 4.6; across, everyone gives 2
    given = {(1, 2): 5.0, (2, 1): 5.0, (3, 4): 4.6, (4, 3): 4.6}
    for a in (1, 2):
        for b in (3, 4):
            given[a, b] = given[b, a] = 2.0
    found = flags.clique(7, [1, 2, 3, 4], given)
    assert found is not None and found.groups == ((1, 2), (3, 4))
    given[1, 3] = 3.4  # one warm rating across the groups: no clique
    assert flags.clique(7, [1, 2, 3, 4], given) is None


def test_no_clique_in_a_team_of_three():
    given = {(1, 2): 5.0, (2, 1): 5.0, (1, 3): 1.0, (2, 3): 1.0}
    assert flags.clique(7, [1, 2, 3], given) is None
