"""The loaded rules in evaluation order, with what they did lately: for the rules page and GET /api/rules.

A rule fired on a mention when its name is in the stored verdict's `rules` (judged in the window);
an alert it raised was dismissed when the alert's `rules` names it and the team said "not a
complaint". Example results are computed once per loaded rule set (they run the classifier).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from monitor.clock import iso
from monitor.store import Store
from rules.describe import describe_actions, describe_condition
from rules.engine import RuleSet

_EXAMPLES: dict[int, tuple[RuleSet, dict[str, list[dict[str, Any]]]]] = {}


def rule_report(store: Store, ruleset: RuleSet, now: datetime, days: int = 7) -> dict[str, Any]:
    since = iso(now - timedelta(days=days))
    fired = {r["rule"]: r["n"] for r in store.rows(
        """SELECT j.value AS rule, COUNT(*) AS n FROM mentions m, json_each(m.verdict, '$.rules') j
           WHERE m.processed_at >= ? AND m.verdict IS NOT NULL GROUP BY j.value""", (since,))}
    alerts = {r["rule"]: r for r in store.rows(
        """SELECT j.value AS rule, COUNT(*) AS raised, SUM(a.state = 'dismissed') AS dismissed
           FROM alerts a, json_each(a.rules) j WHERE a.created_at >= ? GROUP BY j.value""", (since,))}
    examples = example_status(ruleset)
    rules = []
    for position, rule in enumerate(ruleset.rules, start=1):
        raised = alerts.get(rule.name, {})
        checked = examples.get(rule.name, [])
        rules.append({
            "position": position, "name": rule.name, "description": rule.description, "line": rule.line,
            "conditions": describe_condition(rule.when), "actions": describe_actions(rule.actions),
            "continue": rule.cont, "failing": ruleset.failing.get(rule.name),
            "examples": checked, "examples_passed": sum(e["passed"] for e in checked),
            "fired": fired.get(rule.name, 0), "alerts": raised.get("raised", 0),
            "dismissed": raised.get("dismissed") or 0,
        })
    return {"days": days, "since": since, "rules": rules}


def example_status(ruleset: RuleSet) -> dict[str, list[dict[str, Any]]]:
    """Rule name -> its examples with pass/fail; cached while the same rule set is loaded."""
    cached = _EXAMPLES.get(id(ruleset))
    if cached and cached[0] is ruleset:
        return cached[1]
    status: dict[str, list[dict[str, Any]]] = {}
    for rule, want, text, passed in ruleset.example_results():
        status.setdefault(rule.name, []).append({"text": text, "expect": want, "passed": passed})
    _EXAMPLES.clear()   # one rule set is loaded at a time; a reload replaces it
    _EXAMPLES[id(ruleset)] = (ruleset, status)
    return status
