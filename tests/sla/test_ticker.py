"""Warning, breach and the escalation ladder, in simulated time on a real SQLite file."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from monitor.clock import FakeClock
from monitor.models import Mention, Verdict
from monitor.queue import act
from monitor.sla.calendar import parse_calendar
from monitor.sla.deadline import Deadlines
from monitor.sla.ticker import Level, SlaTicker
from monitor.store import Store

UTC = timezone.utc
POSTED = datetime(2026, 3, 19, 12, 0, tzinfo=UTC)          # Thursday 15:30 in Tehran


def setup(tmp_path, clock):
    store = Store(tmp_path / "sla.db")
    store.ensure_source("feed", "rss")
    store.save_poll("feed", [Mention(source="feed", native_id="1", text="late", published_at=POSTED)], None, {},
                    POSTED, POSTED)
    [mention] = store.unprocessed()
    verdict = Verdict(complaint=True, priority="high", team="support")
    Deadlines({"high": 3600}, {"support": parse_calendar("Asia/Tehran", "08:00-16:00", ["fri"], ["2026-03-21"])}
              ).apply(mention, verdict)
    alert_id = store.save_verdict(mention, verdict, POSTED, ["console"])
    ticker = SlaTicker(store, clock, warn_before=900, notifiers=["console"],
                       ladder=[Level(0, ["lead"]), Level(1800, ["manager"]), Level(3600, ["director"])])
    return store, ticker, alert_id


def test_warning_and_breach_land_at_the_right_moments_across_weekend_and_holiday(tmp_path):
    clock = FakeClock(POSTED)
    store, ticker, alert_id = setup(tmp_path, clock)
    assert store.alert(alert_id)["due_at"] == "2026-03-22T05:00:00Z"   # Sunday 08:30 Tehran
    for moment in (POSTED + timedelta(hours=1), datetime(2026, 3, 20, 10, tzinfo=UTC),
                   datetime(2026, 3, 22, 4, 44, tzinfo=UTC)):
        clock._now = moment
        assert ticker.tick() == [], f"nothing due at {moment}"
    clock._now = datetime(2026, 3, 22, 4, 45, tzinfo=UTC)
    assert ticker.tick() == [(alert_id, "warning")]
    assert ticker.tick() == [], "a warning is written once"
    clock._now = datetime(2026, 3, 22, 5, 0, tzinfo=UTC)
    assert ticker.tick() == [(alert_id, "breached"), (alert_id, "escalated-1")]


def test_escalation_climbs_its_ladder_and_stops_when_claimed(tmp_path):
    clock = FakeClock(datetime(2026, 3, 22, 5, 0, tzinfo=UTC))
    store, ticker, alert_id = setup(tmp_path, clock)
    ticker.tick()
    clock.advance(1800)
    assert ticker.tick() == [(alert_id, "escalated-2")]
    act(store, alert_id, "claim", "sara", clock.now())
    clock.advance(7200)
    assert ticker.tick() == [], "claimed: the ladder stops"
    deliveries = store.rows("SELECT notifier, e.kind FROM deliveries d JOIN events e ON e.id = d.event_id ORDER BY d.id")
    assert [(d["notifier"], d["kind"]) for d in deliveries] == [
        ("console", "created"), ("console", "breached"), ("lead", "escalated-1"), ("manager", "escalated-2")]


def test_priority_policy_applies_unless_a_rule_set_the_deadline():
    mention = Mention(source="f", native_id="1", text="x", published_at=POSTED)
    deadlines = Deadlines({"urgent": 900, "normal": 4 * 3600})
    urgent = Verdict(complaint=True, priority="urgent")
    deadlines.apply(mention, urgent)
    assert urgent.due_at == POSTED + timedelta(minutes=15)
    explicit = Verdict(complaint=True, priority="normal", respond_within=600, respond_within_set=True)
    deadlines.apply(mention, explicit)
    assert explicit.due_at == POSTED + timedelta(minutes=10)
