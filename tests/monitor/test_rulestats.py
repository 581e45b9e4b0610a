"""The rules page's data: evaluation order, conditions in words, examples, fired and dismissed counts."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from monitor.models import Author, Mention, Verdict
from monitor.queue import act
from monitor.rulestats import rule_report
from monitor.store import Store
from rules.describe import describe_actions, describe_condition
from rules.engine import compile_rules

NOW = datetime(2026, 3, 8, 12, 0, tzinfo=timezone.utc)
RULES = [
    {"name": "spam", "description": "Giveaways are noise.", "when": {"terms": ["giveaway", "کد تخفیف"]},
     "then": {"suppress": True, "tags": ["spam"]},
     "examples": {"match": ["Giveaway tonight"], "no_match": ["my order is late"]}},
    {"name": "late", "when": {"all": [{"terms": {"any": ["late", "دیر"]}}, {"sentiment": {"max": 0.1}}]},
     "then": {"complaint": True, "priority": "high", "respond_within": "30m", "team": "billing"},
     "continue": True,
     # The second example is wrong on purpose: the rules page must show it failing.
     "examples": {"match": ["my order is late"], "no_match": ["late again, terrible"]}},
    {"name": "angry", "when": {"any": [{"complaint_score": 0.5}, {"not": {"question": True}}]},
     "then": {"complaint": True}},
]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "r.db")
    s.ensure_source("feed", "rss")
    # (days ago, rules that fired, complaint, dismissed by the team)
    history = [(1, ["spam"], False, False), (2, ["late", "angry"], True, False), (3, ["late", "angry"], True, True),
               (6, ["late"], True, True), (9, ["late", "angry"], True, True)]   # 9 days ago: outside the window
    for i, (ago, fired, complaint, dismissed) in enumerate(history):
        when = NOW - timedelta(days=ago)
        s.save_poll("feed", [Mention(source="feed", native_id=str(i), text=f"text {i}", author=Author(f"u{i}"),
                                     published_at=when)], None, {}, when, when)
        mention = s.unprocessed()[0]
        alert = s.save_verdict(mention, Verdict(complaint=complaint, rules=fired), when, [])
        if dismissed:
            act(s, alert, "dismiss", "sara", when)
    yield s
    s.close()


def test_rules_in_order_with_what_they_did_in_the_last_seven_days(store):
    ruleset, errors = compile_rules(RULES, lines={0: 3, 1: 9, 2: 15})
    assert not errors
    report = rule_report(store, ruleset, NOW)
    rows = {r["name"]: r for r in report["rules"]}
    assert [(r["position"], r["name"]) for r in report["rules"]] == [(1, "spam"), (2, "late"), (3, "angry")]
    assert (rows["spam"]["fired"], rows["spam"]["alerts"], rows["spam"]["dismissed"]) == (1, 0, 0)
    assert (rows["late"]["fired"], rows["late"]["alerts"], rows["late"]["dismissed"]) == (3, 3, 2)
    assert (rows["angry"]["fired"], rows["angry"]["alerts"], rows["angry"]["dismissed"]) == (2, 2, 1)
    assert rows["late"]["line"] == 9 and rows["late"]["continue"] is True
    assert rows["spam"]["description"] == "Giveaways are noise."
    longer = rule_report(store, ruleset, NOW, days=10)
    assert next(r for r in longer["rules"] if r["name"] == "late")["fired"] == 4


def test_examples_pass_or_fail_through_the_whole_rule_set(store):
    ruleset, _ = compile_rules(RULES)
    rows = {r["name"]: r for r in rule_report(store, ruleset, NOW)["rules"]}
    assert rows["spam"]["examples"] == [{"text": "Giveaway tonight", "expect": "match", "passed": True},
                                        {"text": "my order is late", "expect": "no_match", "passed": True}]
    assert rows["late"]["examples_passed"] == 1
    assert rows["late"]["examples"][1] == {"text": "late again, terrible", "expect": "no_match", "passed": False}
    assert rows["angry"]["examples"] == []


def test_conditions_and_actions_in_words():
    ruleset, _ = compile_rules(RULES)
    spam, late, angry = ruleset.rules
    assert describe_condition(spam.when) == "any of terms “\u2068giveaway\u2069”, “\u2068کد تخفیف\u2069”"
    assert describe_condition(late.when) == "any of terms “\u2068late\u2069”, “\u2068دیر\u2069” and sentiment ≤ 0.1"
    assert describe_condition(angry.when) == "complaint score ≥ 0.5 or not question"
    assert describe_actions(spam.actions) == "suppress (never a complaint); tags spam"
    assert describe_actions(late.actions) == "complaint; priority high; answer within 30m; team billing"
    many = {"terms": {"all": [f"w{i}" for i in range(9)]}}
    assert describe_condition(many).endswith("“\u2068w5\u2069” … (+3)")
