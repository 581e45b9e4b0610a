"""The noise-control migration on a database that already holds work: nothing is lost on the way."""
from __future__ import annotations

import sqlite3

from monitor.store import Store
from monitor.store.schema import MIGRATIONS
from monitor.store.store import split_statements

# Found by its content, not its number: migrations may be renumbered when branches merge.
NOISE = next(i for i, script in enumerate(MIGRATIONS) if "CREATE TABLE silences" in script)


def old_database(path) -> None:
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:NOISE]:
        for statement in split_statements(script):      # the store's own splitter: trigger bodies hold ';'
            conn.execute(statement)
    conn.executescript("""
        INSERT INTO sources (name, kind, status, last_ok) VALUES ('feed', 'rss', 'ok', '2026-03-01T11:00:00Z');
        INSERT INTO mentions (source, native_id, text, published_at, fetched_at)
            VALUES ('feed', '1', 'late', '2026-03-01T10:00:00Z', '2026-03-01T10:01:00Z');
        INSERT INTO alerts (mention_id, state, priority, team, due_at, created_at, updated_at)
            VALUES (1, 'open', 'urgent', 'support', '2026-03-01T10:15:00Z', '2026-03-01T10:01:00Z', '2026-03-01T10:01:00Z');
        INSERT INTO events (alert_id, at, actor, kind) VALUES (1, '2026-03-01T10:01:00Z', 'monitor', 'created');
        INSERT INTO deliveries (notifier, alert_id, event_id, idempotency_key, due_at, state, attempts, next_attempt_at,
                                last_error, created_at)
            VALUES ('chat', 1, 1, 'chat:1:1', '2026-03-01T10:15:00Z', 'pending', 2, '2026-03-01T10:05:00Z', 'HTTP 503',
                    '2026-03-01T10:01:00Z');
    """)
    conn.execute(f"PRAGMA user_version = {NOISE}")
    conn.commit()
    conn.close()


def test_pending_deliveries_alerts_and_sources_survive_the_migration(tmp_path):
    path = tmp_path / "old.db"
    old_database(path)
    store = Store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    [row] = store.pending_deliveries("chat")
    assert (row["idempotency_key"], row["attempts"], row["last_error"], row["priority"]) == (
        "chat:1:1", 2, "HTTP 503", "urgent"), "kept, with the priority quiet hours need"
    assert row["notice_id"] is None and store.alert(1)["muted"] is None
    source = store.source("feed")
    assert (source["last_new"], source["added_at"]) == ("2026-03-01T10:01:00Z", "2026-03-01T11:00:00Z")
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
