"""The rule engine: vocabulary, combinators, order, explanations, examples, containment."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from monitor.models import Author, Mention
from rules.analyze import analyze
from rules.engine import compile_rules

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def ruleset(*specs):
    rs, errors = compile_rules(list(specs))
    assert errors == []
    return rs


def verdict(rs, text, **mention):
    m = Mention(source=mention.pop("source", "feed"), native_id="1", text=text, published_at=T0, **mention)
    return rs.evaluate(m, analyze(text))


CONDITION_CASES = {
    "terms any": ({"terms": ["refund"]}, "I want a refund", "I love it"),
    "terms all": ({"terms": {"all": ["bag", "lost"]}}, "you lost my bag", "you lost my keys"),
    "terms none": ({"terms": {"any": ["late"], "none": ["not late"]}}, "late again", "we were not late"),
    "phrase on word boundaries": ({"terms": ["on hold"]}, "on hold for hours", "onholder"),
    "persian stem": ({"terms": ["تاخیر*"]}, "تاخیرها ادامه دارد", "سلام"),
    "arabic letter forms folded": ({"terms": ["تأخير"]}, "في تاخير كبير", "سلام"),
    "regex": ({"terms": ["re:order #?\\d{4,}"]}, "order #12345 missing", "order soon"),
    "sentiment range": ({"sentiment": {"max": -0.3}}, "this is terrible", "this is great"),
    "complaint score": ({"complaint_score": {"min": 0.5}}, "still waiting, my order never arrived", "lovely"),
    "language": ({"lang": ["fa"]}, "سفارشم نرسید", "my order"),
    "question": ({"question": True}, "where is my order?", "here is my order"),
    "addressed": ({"addressed": True}, "@acme hello", "acme hello"),
    "cues": ({"cues": ["refund_charge"]}, "I want my money back, refund now", "hello"),
}


@pytest.mark.parametrize("case", CONDITION_CASES, ids=list(CONDITION_CASES))
def test_condition_vocabulary(case):
    when, yes, no = CONDITION_CASES[case]
    rs = ruleset({"name": "r", "when": when, "then": {"complaint": True}})
    assert verdict(rs, yes).complaint, yes
    assert not verdict(rs, no).complaint, no


def test_mention_fields_rating_followers_source():
    rs = ruleset({"name": "r", "when": {"all": [{"rating": {"max": 2}}, {"followers": {"min": 1000}},
                                                {"source": "appstore"}]}, "then": {"complaint": True}})
    assert verdict(rs, "meh", rating=1, source="appstore", author=Author(followers=5000)).complaint
    assert not verdict(rs, "meh", rating=4, source="appstore", author=Author(followers=5000)).complaint
    assert not verdict(rs, "meh", rating=1, source="appstore", author=Author(followers=10)).complaint


def test_combinators_nest():
    rs = ruleset({"name": "r", "when": {"any": [{"all": [{"terms": ["bag"]}, {"not": {"terms": ["found"]}}]},
                                                {"terms": ["refund"]}]}, "then": {"complaint": True}})
    assert verdict(rs, "where is my bag").complaint
    assert not verdict(rs, "found my bag").complaint
    assert verdict(rs, "refund").complaint


def test_first_match_wins_unless_continue():
    rs = ruleset({"name": "tag", "when": {"terms": ["bag"]}, "then": {"tags": ["baggage"]}, "continue": True},
                 {"name": "urgent", "when": {"terms": ["lost"]}, "then": {"complaint": True, "priority": "urgent",
                                                                        "respond_within": "15m"}},
                 {"name": "never", "when": {"terms": ["lost"]}, "then": {"complaint": False}})
    v = verdict(rs, "you lost my bag")
    assert v.rules == ["tag", "urgent"] and v.complaint and v.priority == "urgent"
    assert v.respond_within == 900 and v.tags == ["baggage"]


def test_every_verdict_explains_itself():
    rs = ruleset({"name": "r", "when": {"all": [{"terms": ["refund"]}, {"sentiment": {"max": 0.5}}]},
                  "then": {"complaint": True}})
    [step] = verdict(rs, "I want a refund").explanation
    assert step["rule"] == "r" and "'refund'" in step["held"] and "sentiment=" in step["held"]


def test_the_explanation_names_the_words_behind_each_score():
    rs = ruleset({"name": "r", "when": {"all": [{"cues": ["non_delivery", "delay"]},
                                                {"complaint_score": {"min": 0.3}}, {"sentiment": {"max": 0}}]},
                  "then": {"complaint": True}})
    [step] = verdict(rs, "stuck at the gate for hours and my bag is lost").explanation
    assert "cues: non_delivery ('lost'), delay ('hours')" in step["held"]
    assert "complaint_score=1.00 (delay, non_delivery, 'stuck'" in step["held"]
    assert "sentiment=" in step["held"] and "VADER lexicon" in step["held"]
    persian = ruleset({"name": "fa", "when": {"sentiment": {"max": -0.2}}, "then": {"complaint": True}})
    [step] = verdict(persian, "کیفیتش خیلی بده").explanation
    assert "'بده'" in step["held"]


def test_suppress_wins_over_complaint():
    rs = ruleset({"name": "spam", "when": {"terms": ["giveaway"]}, "then": {"suppress": True}})
    v = verdict(rs, "giveaway! refund!")
    assert v.suppressed and not v.complaint


def test_a_rule_that_crashes_is_disabled_and_the_others_go_on():
    rs = ruleset({"name": "crashy", "when": {"terms": ["x"]}, "then": {"complaint": True}},
                 {"name": "ok", "when": {"terms": ["refund"]}, "then": {"complaint": True}})

    def boom(ctx):
        raise RuntimeError("bad rule")
    rs.rules[0].check = boom
    v = verdict(rs, "refund")
    assert v.rules == ["ok"] and "crashy" in rs.failing and "bad rule" in rs.failing["crashy"]


BAD_RULES = {
    "unknown condition": ({"name": "r", "when": {"colour": "red"}}, "rules[0].when.colour"),
    "bad regex": ({"name": "r", "when": {"terms": ["re:("]}}, "rules[0].when.terms.any[0]"),
    "bad priority": ({"name": "r", "when": {"terms": ["a"]}, "then": {"priority": "asap"}}, "rules[0].then.priority"),
    "bad duration": ({"name": "r", "when": {"terms": ["a"]}, "then": {"respond_within": "soon"}},
                     "rules[0].then.respond_within"),
    "no name": ({"when": {"terms": ["a"]}}, "rules[0].name"),
    "empty any": ({"name": "r", "when": {"any": []}}, "rules[0].when.any"),
}


@pytest.mark.parametrize("case", BAD_RULES, ids=list(BAD_RULES))
def test_invalid_rules_are_reported_with_their_place(case):
    spec, path = BAD_RULES[case]
    rs, errors = compile_rules([spec, {"name": "fine", "when": {"terms": ["a"]}}])
    assert [e.path for e in errors] == [path]
    assert [r.name for r in rs.rules] == ["fine"], "the other rules still load"


def test_failing_examples_are_reported():
    rs = ruleset({"name": "r", "when": {"terms": ["refund"]}, "then": {"complaint": True},
                  "examples": {"match": ["money back please"], "no_match": ["refund me"]}})
    failures = rs.example_failures()
    assert len(failures) == 2 and "should fire but did not" in failures[0] and "fired but should not" in failures[1]
