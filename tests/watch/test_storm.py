"""Complaint storms in simulated time on a real SQLite file: one notice per storm with its top terms
and examples, re-armed only after volume falls back; a backlog spread over a day is no storm."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from monitor.clock import FakeClock
from monitor.config import ConfigError, load_settings
from monitor.config.schema import StormSettings
from monitor.models import Author, Mention, Verdict
from monitor.store import Store
from monitor.store.notices import open_notices
from monitor.watch.storm import StormWatch, Volume, volume
from tests.watch.hook import webhook_outbox

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
_ids = itertools.count()
USUAL = ["parcel arrived late again", "refund still not here", "courier was rude", "wrong size delivered"]
STORM = "cannot login to the app since the update <script>alert(1)</script> @acme"


def post(store: Store, clock, published: datetime, text: str) -> None:
    n = next(_ids)
    store.save_poll("feed", [Mention(source="feed", native_id=str(n), text=text, published_at=published,
                                     author=Author(handle=f"user{n}"))], None, {}, clock.now(), clock.now())
    [m] = store.unprocessed()
    store.save_verdict(m, Verdict(complaint=True), clock.now(), [])


def usual_day(store: Store, clock) -> None:
    """A day of 1-3 complaints an hour before now."""
    for hour in range(1, 25):
        for i in range(1 + hour % 3):
            post(store, clock, clock.now() - timedelta(hours=hour, minutes=10 + i), USUAL[(hour + i) % 4])


@pytest.fixture
def world(tmp_path):
    store = Store(tmp_path / "storm.db")
    store.ensure_source("feed", "rss")
    clock = FakeClock(NOW)
    watch = StormWatch(store, clock, StormSettings(), ["hook"], brand_terms=["acme", "@acme"])
    return store, clock, watch


async def test_one_notice_per_storm_with_its_terms_and_examples_then_over_then_rearmed(world, serve, session):
    store, clock, watch = world
    usual_day(store, clock)
    for i in range(8):
        post(store, clock, clock.now() - timedelta(minutes=50 - i), STORM if i % 2 else f"login broken {i}, app useless")
    assert watch.tick() is None, "8 is well above a usual 2 ± 0.8, but under the minimum of 10"
    for i in range(12):
        post(store, clock, clock.now() - timedelta(minutes=20 - i), STORM)
    assert watch.tick() == "started"
    for i in range(10):
        post(store, clock, clock.now() - timedelta(minutes=5), STORM)
        assert watch.tick() is None, "one notice per storm, not one per mention"
    [storm] = open_notices(store, "storm")
    body = storm["body"]
    assert body["count"] == 20 and body["mean"] == 2.0
    assert set(body["terms"][:2]) == {"login", "app"}, body["terms"]
    assert "acme" not in body["terms"] and "the" not in body["terms"]
    assert len(body["examples"]) == 3 and len({e["author"] for e in body["examples"]}) == 3
    assert all("login" in e["text"] for e in body["examples"])

    clock.advance(3 * 3600)          # volume falls back
    assert watch.tick() == "over"
    assert watch.tick() is None
    for i in range(20):
        post(store, clock, clock.now() - timedelta(minutes=30), "checkout page crashes on payment")
    assert watch.tick() is None, "the last storm is in the baseline now: 20 is under 3.0 + 3 × 5.7"
    for i in range(10):
        post(store, clock, clock.now() - timedelta(minutes=20), "checkout page crashes on payment")
    assert watch.tick() == "started", "re-armed after falling back"
    assert store.rows("SELECT COUNT(*) n FROM notices")[0]["n"] == 2

    sender, accepted = await webhook_outbox(serve, store, session, clock)
    assert await sender.deliver_due() == 3
    got = [a["body"] for a in accepted]
    assert [g["type"] for g in got] == ["notice.storm.opened", "notice.storm.closed", "notice.storm.opened"]
    first = got[0]
    assert first["title"] == "Complaint storm: 20 complaints in the last 1h" and first["priority"] == "high"
    assert first["examples"][0]["text"].startswith("cannot login to the app since the update <script>")
    assert got[1]["title"] == "Complaint storm over: 0 complaints in the last 1h"
    assert set(got[2]["terms"][:4]) == {"checkout", "page", "crashes", "payment"}


def test_a_day_of_backlog_arriving_at_once_is_no_storm(world):
    store, clock, watch = world
    for minute in range(0, 24 * 60, 30):   # a new source's first poll: a day of posts, fetched now
        post(store, clock, clock.now() - timedelta(minutes=minute + 1), "parcel late")
    assert volume(store, clock.now(), 3600, 86400).current == 2
    assert watch.tick() is None


@pytest.mark.parametrize("baseline,current,storm", [
    ([0] * 24, 9, False),            # below the minimum count
    ([0] * 24, 10, True),
    ([0, 20] * 12, 39, False),       # mean 10, sd 10, k 3: the threshold is 40
    ([0, 20] * 12, 40, True),
], ids=["under-minimum", "at-minimum", "under-mean+3sd", "at-mean+3sd"])
def test_a_storm_is_the_minimum_or_mean_plus_k_stddev_whichever_is_higher(world, baseline, current, storm):
    _, _, watch = world
    start, _ = watch.thresholds(Volume(current, baseline))
    assert (current >= start) is storm


def test_storm_settings_are_checked_with_file_line_and_path(tmp_path):
    config = tmp_path / "settings.yaml"
    config.write_text("""\
notifiers: [{name: chat, kind: console}]
storm:
  k: -1
  min_count: 0
  notify: [pager]
  priority: whenever
""")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    found = [str(i) for i in info.value.issues]
    for line, text in [(3, "storm.k: "), (4, "storm.min_count: "), (6, "storm.priority: ")]:
        assert any(i.startswith(f"{config}:{line}: {text}") for i in found), (text, found)
    config.write_text("notifiers: [{name: chat, kind: console}]\nstorm:\n  notify: [pager]\n")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    assert [str(i) for i in info.value.issues] == [f"{config}:3: storm.notify[0]: no notifier named 'pager'"]
