"""The store on a real SQLite file: unique keys make every step idempotent."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from monitor.models import Mention, Verdict
from monitor.queue import act
from monitor.store import Store, StoreError
from monitor.store.schema import MIGRATIONS

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def mention(native_id="1", text="my parcel never arrived"):
    return Mention(source="feed", native_id=native_id, text=text, published_at=T0)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "monitor.db")
    s.ensure_source("feed", "rss")
    yield s
    s.close()


def test_migrations_run_once_and_wal_is_on(tmp_path):
    path = tmp_path / "m.db"
    Store(path).close()
    again = Store(path)
    assert again.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert again.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_mention_is_stored_once_per_source_and_native_id(store):
    first = store.save_poll("feed", [mention("1"), mention("2")], {"c": 1}, {}, T0, T0)
    again = store.save_poll("feed", [mention("1"), mention("3")], {"c": 2}, {}, T0, T0)
    assert len(first) == 2 and len(again) == 1
    assert store.rows("SELECT COUNT(*) n FROM mentions")[0]["n"] == 3
    assert store.cursor("feed") == {"c": 2}
    assert store.source("feed")["mentions_total"] == 3


def test_one_alert_per_mention_with_deadline_from_publish_time(store):
    store.save_poll("feed", [mention()], None, {}, T0, T0)
    [m] = store.unprocessed()
    verdict = Verdict(complaint=True, priority="high", respond_within=1800, rules=["r"])
    later = T0 + timedelta(minutes=7)
    alert_id = store.save_verdict(m, verdict, later, ["console"])
    assert store.save_verdict(m, verdict, later, ["console"]) is None, "re-processing makes no second alert"
    alert = store.alert(alert_id)
    assert alert["due_at"] == "2026-03-01T12:30:00Z", "the clock starts when the customer posted"
    assert [e["kind"] for e in store.events(alert_id)] == ["created"]
    assert store.rows("SELECT COUNT(*) n FROM deliveries")[0]["n"] == 1
    assert store.unprocessed() == []


def test_every_state_change_is_an_event_and_bad_moves_are_refused(store):
    store.save_poll("feed", [mention()], None, {}, T0, T0)
    [m] = store.unprocessed()
    alert_id = store.save_verdict(m, Verdict(complaint=True), T0, [])
    act(store, alert_id, "claim", "sara", T0)
    act(store, alert_id, "resolve", "sara", T0)
    with pytest.raises(ValueError, match="resolved"):
        act(store, alert_id, "claim", "omid", T0)
    events = store.events(alert_id)
    assert [(e["kind"], e["actor"]) for e in events] == [("created", "monitor"), ("claimed", "sara"),
                                                         ("resolved", "sara")]
    assert store.alert(alert_id)["assignee"] == "sara"


def test_a_locked_database_gives_a_clear_error_and_loses_nothing(store, tmp_path):
    store.save_poll("feed", [mention("1")], None, {}, T0, T0)
    other = sqlite3.connect(tmp_path / "monitor.db", timeout=0.1)
    other.execute("BEGIN EXCLUSIVE")
    store.conn.execute("PRAGMA busy_timeout = 100")
    with pytest.raises(StoreError, match="database unavailable"):
        store.save_poll("feed", [mention("2")], None, {}, T0, T0)
    other.rollback()
    other.close()
    store.save_poll("feed", [mention("2")], None, {}, T0, T0)
    assert store.rows("SELECT COUNT(*) n FROM mentions")[0]["n"] == 2


def test_a_full_disk_is_a_clear_error_without_corruption_and_recovers(store):
    store.save_poll("feed", [mention("1")], {"c": 1}, {}, T0, T0)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")   # SQLite's own limit stands in for a full disk
    big = [mention(str(i), "refund " * 2000) for i in range(2, 40)]
    with pytest.raises(StoreError, match="full"):
        store.save_poll("feed", big, {"c": 2}, {}, T0, T0)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.cursor("feed") == {"c": 1}, "the cursor did not move past what was not saved"
    store.conn.execute("PRAGMA max_page_count = 1000000")   # space returns
    store.save_poll("feed", big, {"c": 2}, {}, T0, T0)
    assert store.rows("SELECT COUNT(*) n FROM mentions")[0]["n"] == 39
