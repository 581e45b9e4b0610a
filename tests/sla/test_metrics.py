"""SLA metrics as plain data, from a real SQLite queue worked at known moments of injected time."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from monitor.models import Mention, Verdict
from monitor.queue import act
from monitor.sla.metrics import sla_metrics
from monitor.store import Store

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 20, 0, tzinfo=timezone.utc)      # 23:30 in Tehran
NOW = T0 + timedelta(hours=2)
M = timedelta(minutes=1)

# name: (team, source, priority, posted, respond within, [(action, minutes after posting)])
ALERTS = {
    "met": ("support", "telegram", "high", T0, 60, [("claim", 5), ("respond", 20)]),
    "late": ("support", "rss", "normal", T0, 60, [("respond", 90), ("resolve", 95)]),
    "never answered": ("billing", "rss", "urgent", T0, 15, []),
    "not yet due": ("billing", "telegram", "normal", T0 + 100 * M, 60, []),
    "resolved at once": ("support", "rss", "normal", T0 + 60 * M, 60, [("resolve", 30)]),
    "not a complaint": ("support", "rss", "normal", T0, 60, [("dismiss", 10)]),
}


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "sla.db")
    for i, (name, (team, source, priority, posted, within, moves)) in enumerate(ALERTS.items()):
        store.ensure_source(source, "x")
        store.save_poll(source, [Mention(source=source, native_id=str(i), text=name, published_at=posted)], None, {},
                        posted, posted)
        [mention] = store.unprocessed()
        verdict = Verdict(complaint=True, team=team, priority=priority, due_at=posted + within * M)
        alert_id = store.save_verdict(mention, verdict, posted, [])
        for action, after in moves:
            act(store, alert_id, action, "sara", posted + after * M)
    return store


def test_first_response_and_met_or_missed_per_team_source_priority_and_day(store):
    report = sla_metrics(store, NOW, tz="Asia/Tehran")
    assert report["total"] == {
        "alerts": 5, "responded": 3, "met": 2, "missed": 2, "pending": 1, "met_rate": 0.5,
        "first_response_seconds": {"p50": 1800.0, "p90": 5400.0, "mean": 2800.0, "max": 5400.0}}
    assert {k: (v["met"], v["missed"], v["pending"]) for k, v in report["by_team"].items()} == {
        "billing": (0, 1, 1), "support": (2, 1, 0)}
    assert {k: v["alerts"] for k, v in report["by_source"].items()} == {"rss": 3, "telegram": 2}
    assert report["by_priority"]["urgent"]["missed"] == 1 and report["by_priority"]["urgent"]["met_rate"] == 0.0
    assert {k: v["alerts"] for k, v in report["by_day"].items()} == {"2026-03-01": 3, "2026-03-02": 2}, \
        "days in the team's zone: 21:00 UTC is past midnight in Tehran"
    cell = next(c for c in report["cube"] if (c["team"], c["source"], c["priority"]) == ("support", "telegram", "high"))
    assert cell["day"] == "2026-03-01" and cell["met"] == 1 and cell["first_response_seconds"]["p50"] == 1200.0
    json.dumps(report)   # plain data, ready for the web page or a script


def test_a_window_of_time_and_days_in_utc(store):
    report = sla_metrics(store, NOW, since=T0 + 30 * M, tz="UTC")
    assert report["total"]["alerts"] == 2 and list(report["by_day"]) == ["2026-03-01"]
    assert report["since"] == "2026-03-01T20:30:00Z"


def test_queue_stats_json_from_the_command_line(store):
    proc = subprocess.run([sys.executable, str(ROOT / "run.py"), "queue", "stats", "--json", "--tz", "Asia/Tehran",
                           "--db", str(store.path)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["total"]["alerts"] == 5 and report["total"]["met"] == 2 and report["timezone"] == "Asia/Tehran"
    table = subprocess.run([sys.executable, str(ROOT / "run.py"), "queue", "stats", "--db", str(store.path)],
                           capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "team support" in table and "source telegram" in table
