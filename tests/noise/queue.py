"""A queue on a real SQLite file, fed complaints one at a time at the injected clock's time."""
from __future__ import annotations

import itertools
from datetime import datetime, timezone

from monitor.models import Author, Mention, Verdict
from monitor.store import Store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
_ids = itertools.count(1)


def new_store(tmp_path, gate=None) -> Store:
    store = Store(tmp_path / "queue.db")
    store.gate = gate
    return store


def complain(store: Store, clock, text: str = "my parcel never arrived", *, source: str = "feed", author: str = "",
             thread: str | None = None, rules=("late-delivery",), team: str = "support", priority: str = "normal",
             notifiers=("chat",)) -> int | None:
    """Store one mention and its complaint verdict as the pipeline would; returns the alert id."""
    store.ensure_source(source, "rss")
    native_id = f"m{next(_ids)}"
    mention = Mention(source=source, native_id=native_id, text=text, published_at=clock.now(),
                      author=Author(handle=author), thread_id=thread)
    store.save_poll(source, [mention], None, {}, clock.now(), clock.now())
    [stored] = [m for m in store.unprocessed() if m.native_id == native_id]
    verdict = Verdict(complaint=True, rules=list(rules), team=team, priority=priority)
    return store.save_verdict(stored, verdict, clock.now(), list(notifiers))


def paged(store: Store) -> list[int]:
    """Alerts whose creation was announced to anyone."""
    return [r["alert_id"] for r in store.rows(
        """SELECT DISTINCT d.alert_id FROM deliveries d JOIN events e ON e.id = d.event_id
           WHERE e.kind = 'created' ORDER BY d.alert_id""")]


def muted_note(store: Store, alert_id: int) -> str | None:
    rows = store.rows("SELECT note FROM events WHERE alert_id = ? AND kind = 'muted'", (alert_id,))
    return rows[0]["note"] if rows else None
