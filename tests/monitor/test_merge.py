"""Merging a duplicate alert: state merged, a pointer to the alert that stays, counts added, nothing deleted."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from monitor.cli import main
from monitor.models import Author, Mention, Verdict
from monitor.queue import ACTIVE_STATES, act, list_alerts, merge
from monitor.store import Store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "m.db")
    s.ensure_source("feed", "rss")
    s.save_poll("feed", [Mention(source="feed", native_id=str(i), text=f"complaint {i}", author=Author(f"user{i}"),
                                 published_at=T0 - timedelta(hours=3 * i)) for i in range(1, 5)], None, {}, T0, T0)
    for m in s.unprocessed():
        s.save_verdict(m, Verdict(complaint=True), T0, ["console"])
    yield s
    s.close()


def counts(store):
    return {t: store.rows(f"SELECT COUNT(*) n FROM {t}")[0]["n"] for t in ("mentions", "alerts", "events")}


def test_a_merged_duplicate_points_at_the_alert_that_stays_and_adds_its_count(store):
    store.conn.execute("UPDATE alerts SET mentions_count = 3 WHERE id = 2")   # an incident of three posts
    before = counts(store)
    result = merge(store, 2, 1, "sara", T0, note="same order", notifiers=["console"])
    assert result["state"] == "merged" and result["merged_into"] == 1
    assert store.alert(1)["mentions_count"] == 4 and store.alert(1)["state"] == "open"
    assert counts(store) == {**before, "events": before["events"] + 2}, "nothing deleted; one event on each"
    dup_event = store.events(2)[-1]
    assert (dup_event["kind"], dup_event["from_state"], dup_event["to_state"], dup_event["note"], dup_event["actor"]) \
        == ("merged", "open", "merged", "into #1: same order", "sara")
    assert store.events(1)[-1]["kind"] == "absorbed" and store.events(1)[-1]["note"] == "#2 (+3)"
    assert store.rows("SELECT COUNT(*) n FROM deliveries WHERE event_id = ?", (dup_event["id"],))[0]["n"] == 1
    assert [a["id"] for a in list_alerts(store, states=ACTIVE_STATES)] == [4, 3, 1], "merged leaves the queue (deadline order)"


@pytest.mark.parametrize("setup, alert, into, error", [
    ([], 1, 1, ValueError),                                   # into itself
    ([], 1, 99, KeyError),                                    # no such target
    ([], 99, 1, KeyError),                                    # no such duplicate
    ([("resolve", 1)], 1, 2, ValueError),                     # the duplicate is closed already
    ([("dismiss", 2)], 1, 2, ValueError),                     # into an alert that was not a complaint
    ([("merge", 2, 3)], 1, 2, ValueError),                    # into a merged alert: merge into its target
    ([("merge", 1, 2)], 1, 3, ValueError),                    # twice
])
def test_merges_that_are_refused(store, setup, alert, into, error):
    for step in setup:
        if step[0] == "merge":
            merge(store, step[1], step[2], "sara", T0)
        else:
            act(store, step[1], step[0], "sara", T0)
    before = counts(store)
    with pytest.raises(error):
        merge(store, alert, into, "sara", T0)
    assert counts(store) == before, "a refused merge writes nothing"


def test_claimed_and_responded_alerts_merge_into_a_resolved_one(store):
    act(store, 1, "resolve", "sara", T0)
    act(store, 2, "claim", "reza", T0)
    act(store, 3, "respond", "reza", T0)
    assert merge(store, 2, 1, "reza", T0)["state"] == "merged"
    assert merge(store, 3, 1, "reza", T0)["state"] == "merged"
    assert store.alert(1)["mentions_count"] == 3


def test_queue_merge_on_the_command_line(store, capsys):
    path = str(store.path)
    assert main(["queue", "merge", "3", "--into", "4", "--by", "sara", "--db", path]) == 0
    assert "alert #3 is now merged into #4" in capsys.readouterr().out
    assert main(["queue", "merge", "3", "--db", path]) == 2
    assert "--into" in capsys.readouterr().err
    assert main(["queue", "merge", "1", "--into", "3", "--db", path]) == 1
    assert "merged" in capsys.readouterr().err
    assert store.alert(4)["mentions_count"] == 2
