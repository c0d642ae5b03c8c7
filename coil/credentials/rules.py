"""Machine-checkable badge rules over a student's ledger facts: plain data, no Flask.

A rule is a dict with a ``kind`` and its numbers:

- ``{"kind": "sessions", "min": 4}``: present (minutes > 0) at at least 4 live sessions;
- ``{"kind": "reflections", "min": 3, "dimensions": 4}``: submitted entries for at least 3
  prompts whose prompts together cover at least 4 rubric dimensions;
- ``{"kind": "self_assessment", "stage": "post"}``: the self-assessment of that stage done;
- ``{"kind": "rating", "level": 2, "dimensions": 1}``: a lecturer rated them at ``level`` or
  above on at least that many dimensions;
- ``{"kind": "tasks", "min": 1}``: completed at least that many team tasks (the team product).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RULE_KINDS = ("sessions", "reflections", "self_assessment", "rating", "tasks")


@dataclass
class Facts:
    """What the ledger says about one student in one exchange, as the rules need it."""

    sessions: int = 0
    reflection_prompts: set[int] = field(default_factory=set)
    reflection_dimensions: set[str] = field(default_factory=set)
    self_assessments: set[str] = field(default_factory=set)
    best_levels: dict[str, int] = field(default_factory=dict)
    tasks: int = 0


class RuleError(ValueError):
    """A rule that is not well formed; the message says which and why."""


def _count(rule: dict[str, Any], name: str, low: int = 0, high: int = 1000) -> int:
    value = rule.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RuleError(f"rule {rule.get('kind')!r}: {name!r} must be a whole number {low}-{high}")
    return value


def check_rules(rules: Any) -> list[dict[str, Any]]:
    """Return ``rules`` normalised, or raise :class:`RuleError` naming what is wrong."""
    if not isinstance(rules, list):
        raise RuleError("rules must be a list")
    clean: list[dict[str, Any]] = []
    for rule in rules:
        if not isinstance(rule, dict) or rule.get("kind") not in RULE_KINDS:
            raise RuleError(f"unknown rule {rule!r}")
        kind = rule["kind"]
        if kind in ("sessions", "tasks"):
            clean.append({"kind": kind, "min": _count(rule, "min", 1)})
        elif kind == "reflections":
            clean.append(
                {
                    "kind": kind,
                    "min": _count(rule, "min", 1),
                    "dimensions": _count(rule, "dimensions", 0, 50),
                }
            )
        elif kind == "self_assessment":
            if rule.get("stage") not in ("pre", "post"):
                raise RuleError("rule 'self_assessment': stage must be 'pre' or 'post'")
            clean.append({"kind": kind, "stage": rule["stage"]})
        else:
            clean.append(
                {
                    "kind": kind,
                    "level": _count(rule, "level", 1, 4),
                    "dimensions": _count(rule, "dimensions", 1, 50),
                }
            )
    return clean


def rule_met(rule: dict[str, Any], facts: Facts) -> bool:
    """Tell whether ``facts`` satisfy one (normalised) rule."""
    kind = rule["kind"]
    if kind == "sessions":
        return facts.sessions >= rule["min"]
    if kind == "tasks":
        return facts.tasks >= rule["min"]
    if kind == "reflections":
        return (
            len(facts.reflection_prompts) >= rule["min"]
            and len(facts.reflection_dimensions) >= rule["dimensions"]
        )
    if kind == "self_assessment":
        return rule["stage"] in facts.self_assessments
    high = sum(1 for level in facts.best_levels.values() if level >= rule["level"])
    return high >= rule["dimensions"]


def all_met(rules: list[dict[str, Any]], facts: Facts) -> bool:
    """Tell whether every rule holds; a badge without rules is never awarded automatically."""
    return bool(rules) and all(rule_met(rule, facts) for rule in rules)


def observed(rule: dict[str, Any], facts: Facts) -> dict[str, Any]:
    """Return what ``facts`` show for one (normalised) rule, beside what it asks: the record an
    award keeps of why it was made, as plain data (``kind``, the rule's numbers, ``seen``)."""
    kind = rule["kind"]
    if kind == "sessions":
        seen: dict[str, Any] = {"count": facts.sessions}
    elif kind == "tasks":
        seen = {"count": facts.tasks}
    elif kind == "reflections":
        seen = {
            "count": len(facts.reflection_prompts),
            "dimensions": len(facts.reflection_dimensions),
        }
    elif kind == "self_assessment":
        seen = {"done": rule["stage"] in facts.self_assessments}
    else:
        seen = {"count": sum(1 for lvl in facts.best_levels.values() if lvl >= rule["level"])}
    return {**rule, "seen": seen}
