"""Badge rules: validation of the data, and evaluation against hand-made facts."""

from __future__ import annotations

import pytest

from coil.credentials.rules import Facts, RuleError, all_met, check_rules, rule_met


def test_rules_are_checked_and_normalised():
    rules = [
        {"kind": "sessions", "min": 4, "extra": 1},
        {"kind": "self_assessment", "stage": "post"},
    ]
    assert check_rules(rules) == [
        {"kind": "sessions", "min": 4},
        {"kind": "self_assessment", "stage": "post"},
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "sessions",
        [{"kind": "nope"}],
        [{"kind": "sessions", "min": 0}],
        [{"kind": "sessions", "min": True}],
        [{"kind": "reflections", "min": 3}],
        [{"kind": "rating", "level": 5, "dimensions": 1}],
        [{"kind": "self_assessment", "stage": "during"}],
    ],
)
def test_bad_rules_are_refused_with_a_reason(bad):
    with pytest.raises(RuleError):
        check_rules(bad)


def test_each_rule_against_hand_computed_facts():
    facts = Facts(
        sessions=4,
        reflection_prompts={1, 2, 3},
        reflection_dimensions={"a", "b", "c"},
        self_assessments={"pre"},
        best_levels={"empathy": 2, "curiosity": 1},
        tasks=0,
    )
    assert rule_met({"kind": "sessions", "min": 4}, facts)
    assert not rule_met({"kind": "sessions", "min": 5}, facts)
    assert rule_met({"kind": "reflections", "min": 3, "dimensions": 3}, facts)
    assert not rule_met({"kind": "reflections", "min": 3, "dimensions": 4}, facts)
    assert not rule_met({"kind": "self_assessment", "stage": "post"}, facts)
    assert rule_met({"kind": "rating", "level": 2, "dimensions": 1}, facts)
    assert not rule_met({"kind": "rating", "level": 2, "dimensions": 2}, facts)
    assert not rule_met({"kind": "tasks", "min": 1}, facts)
    assert not all_met([], facts)  # no rules: only awarded by hand
