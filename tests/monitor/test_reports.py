"""Report numbers on a known day (tests/monitor/report_fixture.py), through the store and the CLI."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from monitor.cli import main
from monitor.dates import DateError, day_range
from monitor.reports import build_report, bucket_seconds
from monitor.store import Store
from tests.monitor.report_fixture import DAY, NOW, build


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "r.db")
    build(s)
    yield s
    s.close()


def test_complaints_per_hour_by_source_and_language(store):
    report = build_report(store, DAY, DAY + timedelta(days=1), NOW)
    complaints = report["complaints"]
    assert complaints["bucket_seconds"] == 3600 and len(complaints["buckets"]) == 24
    assert complaints["buckets"][5] == "2026-03-02T05:00:00Z"
    assert complaints["total"] == 8, "A1-A6, the merged A8 and the missed m9; not the dismissed A7"
    by_source = {s["name"]: s for s in complaints["by_source"]}
    assert [s["name"] for s in complaints["by_source"]] == ["rss", "telegram"]
    assert {i: n for i, n in enumerate(by_source["rss"]["counts"]) if n} == {1: 2, 10: 1, 23: 1}
    assert {i: n for i, n in enumerate(by_source["telegram"]["counts"]) if n} == {5: 2, 12: 1, 14: 1}
    assert [(s["name"], s["total"]) for s in complaints["by_lang"]] == [("en", 3), ("fa", 3), ("ar", 2)]


def test_sla_met_missed_and_pending_per_team(store):
    sla = build_report(store, DAY, DAY + timedelta(days=1), NOW)["sla"]
    assert sla["total"] == {"met": 3, "missed": 2, "pending": 1, "met_share": 0.6}
    assert sla["teams"] == [
        {"team": "billing", "met": 2, "missed": 0, "pending": 0, "met_share": 1.0},
        {"team": "support", "met": 1, "missed": 2, "pending": 1, "met_share": 0.3333},
    ]


def test_time_to_first_response_uses_the_brands_reply_time(store):
    waits = build_report(store, DAY, DAY + timedelta(days=1), NOW)["first_response"]
    assert waits["buckets"][:4] == ["<15m", "15-30m", "30-60m", "1-2h"]
    assert waits["total"] == {"count": 4, "counts": [1, 1, 1, 1, 0, 0, 0, 0], "median_minutes": 25.0,
                              "p90_minutes": 90.0}
    billing, support = waits["teams"]
    assert billing == {"team": "billing", "count": 2, "counts": [1, 0, 1, 0, 0, 0, 0, 0], "median_minutes": 10.0,
                       "p90_minutes": 30.0}, "A3 counts the reply at 05:15, not the pipeline's 07:00"
    assert support["counts"] == [0, 1, 0, 1, 0, 0, 0, 0] and support["median_minutes"] == 25.0


def test_a_team_filter_and_a_range_that_leaves_out_the_day(store):
    billing = build_report(store, DAY, DAY + timedelta(days=1), NOW, team="billing")
    assert billing["complaints"]["total"] == 3          # A3, A4 and the merged A8
    assert [t["team"] for t in billing["sla"]["teams"]] == ["billing"]
    before = build_report(store, DAY - timedelta(days=1), DAY, NOW)
    assert before["complaints"]["total"] == 1 and before["sla"]["total"]["missed"] == 1   # A11 only


def test_buckets_widen_for_long_ranges_and_days_follow_the_team_zone():
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert bucket_seconds(start, start + timedelta(days=14)) == 3600
    assert bucket_seconds(start, start + timedelta(days=30)) == 3 * 3600
    assert bucket_seconds(start, start + timedelta(days=366)) == 24 * 3600
    first, last, begin, end = day_range(date(2026, 3, 1), date(2026, 3, 1), "Asia/Tehran", DAY)
    assert begin.astimezone(timezone.utc) == datetime(2026, 2, 28, 20, 30, tzinfo=timezone.utc)
    assert end - begin == timedelta(days=1)
    first, last, _, _ = day_range(None, None, "UTC", DAY + timedelta(hours=5))
    assert (first, last) == (date(2026, 2, 24), date(2026, 3, 2)), "default: the last 7 days up to today"
    with pytest.raises(DateError):
        day_range(date(2026, 3, 2), date(2026, 3, 1), "UTC", DAY)


def test_report_cli_prints_the_same_numbers_as_json(store, tmp_path, capsys):
    config = tmp_path / "settings.yaml"
    config.write_text("brands: [{name: Acme, terms: [acme]}]\nteams: [{name: support, timezone: UTC}]\n")
    args = ["report", "--db", str(store.path), "--from", "2026-03-02", "--to", "2026-03-02", "--config", str(config)]
    assert main([*args, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["range"] == {"from": "2026-03-02T00:00:00Z", "to": "2026-03-03T00:00:00Z", "team": None}
    assert printed["complaints"]["total"] == 8
    assert [(s["name"], s["total"]) for s in printed["complaints"]["by_source"]] == [("rss", 4), ("telegram", 4)]
    # Run now, long after that day: A6's deadline has passed too, so nothing is pending any more.
    assert printed["sla"]["total"] == {"met": 3, "missed": 3, "pending": 0, "met_share": 0.5}
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "complaints: 8" in text and "by source: rss 4, telegram 4" in text and "support" in text
    backwards = ["report", "--db", str(store.path), "--from", "2026-03-05", "--to", "2026-03-01", "--config", str(config)]
    assert main(backwards) == 2
