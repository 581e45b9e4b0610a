"""Conditions about the post itself: time of day, day of week, engagement, replies; and examples
that carry the post around their text so such rules can be checked."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from monitor.models import Mention
from rules.analyze import analyze
from rules.engine import compile_rules


def fires(when: dict, **post) -> bool:
    rs, errors = compile_rules([{"name": "r", "when": when, "then": {"complaint": True}}])
    assert errors == []
    text = post.pop("text", "hello")
    mention = Mention(source="feed", native_id="1", text=text,
                      published_at=post.pop("at", datetime(2026, 3, 6, 12, 0, tzinfo=timezone.utc)), **post)
    return rs.evaluate(mention, analyze(text)).complaint


# 2026-03-05 is a Thursday; Tehran is UTC+03:30 in March 2026.
NIGHT_IN_TEHRAN = {"from": "22:00", "to": "07:00", "tz": "Asia/Tehran"}


@pytest.mark.parametrize("utc,expected", [
    ((2026, 3, 5, 19, 0), True),    # 22:30 in Tehran
    ((2026, 3, 6, 3, 0), True),     # 06:30 the next morning: the window wraps past midnight
    ((2026, 3, 6, 3, 30), False),   # 07:00: the end is not inside
    ((2026, 3, 5, 12, 0), False),   # 15:30
])
def test_time_of_day_is_read_in_the_given_zone_and_wraps_midnight(utc, expected):
    at = datetime(*utc, tzinfo=timezone.utc)
    assert fires({"time_of_day": NIGHT_IN_TEHRAN}, at=at) is expected


def test_day_of_week_uses_the_local_date():
    late_thursday_utc = datetime(2026, 3, 5, 21, 0, tzinfo=timezone.utc)   # already Friday 00:30 in Tehran
    assert fires({"day_of_week": {"days": ["fri"], "tz": "Asia/Tehran"}}, at=late_thursday_utc)
    assert not fires({"day_of_week": ["fri"]}, at=late_thursday_utc)       # UTC: still Thursday
    assert fires({"day_of_week": ["Thursday", "sat"]}, at=late_thursday_utc)


def test_engagement_sums_interactions_but_not_views_unless_asked():
    counts = {"likes": 30, "replies_count": 15, "views": 90000}
    assert fires({"engagement": {"min": 45}}, engagement=counts)
    assert not fires({"engagement": {"min": 46}}, engagement=counts)
    assert fires({"engagement": {"min": 10, "of": ["replies_count"]}}, engagement=counts)
    assert not fires({"engagement": {"min": 16, "of": ["replies_count"]}}, engagement=counts)
    assert fires({"engagement": {"max": 0}}), "no counts at all is zero engagement"


def test_reply_means_it_answers_another_post():
    assert fires({"reply": True}, reply_to="123")
    assert not fires({"reply": True})
    assert fires({"reply": False})


@pytest.mark.parametrize("when,path,words", [
    ({"time_of_day": {"from": "25:00", "to": "07:00"}}, "time_of_day.from", "a time like"),
    ({"time_of_day": {"from": "22:00", "to": "07:00", "tz": "Mars/Olympus"}}, "time_of_day.tz", "unknown time zone"),
    ({"day_of_week": ["funday"]}, "day_of_week.days[0]", "unknown day"),
    ({"engagement": {"min": "lots"}}, "engagement.min", "expects a number"),
    ({"reply": "yes"}, "reply", "true or false"),
])
def test_bad_conditions_name_their_place(when, path, words):
    _, errors = compile_rules([{"name": "r", "when": when, "then": {"complaint": True}}])
    assert len(errors) == 1 and path in errors[0].path and words in errors[0].message, errors


def test_examples_can_carry_the_post_so_time_rules_are_checkable():
    rule = {"name": "night-shift", "when": {"all": [{"time_of_day": NIGHT_IN_TEHRAN}, {"complaint_score": {"min": 0.3}}]},
            "then": {"complaint": True, "team": "night"},
            "examples": {"match": [{"text": "my order never arrived, still waiting", "posted": "2026-03-05T23:10:00+03:30"}],
                         "no_match": [{"text": "my order never arrived, still waiting", "posted": "2026-03-05T15:00:00+03:30"},
                                      "what a lovely day"]}}
    rs, errors = compile_rules([rule])
    assert errors == [] and rs.example_failures() == []
    assert rs.rules[0].examples["match"][0] == "my order never arrived, still waiting"   # reads as its text


def test_an_example_without_an_offset_is_an_error():
    rule = {"name": "r", "when": {"reply": True}, "then": {"complaint": True},
            "examples": {"match": [{"text": "x", "posted": "2026-03-05T23:10:00"}]}}
    _, errors = compile_rules([rule])
    assert errors and "examples.match[0].posted" in errors[0].path


def test_the_readme_example_rule_compiles_and_its_examples_hold():
    import re
    from pathlib import Path

    import yaml
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"\n(    - name: night-complaints-to-on-call\n(?:    .*\n|\n)+)", readme).group(1)
    rs, errors = compile_rules(yaml.safe_load("\n".join(line[4:] for line in block.splitlines())))
    assert errors == [] and rs.example_failures() == []
