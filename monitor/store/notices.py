"""Notices: what the monitor says about itself (a complaint storm, a source gone silent) rather than
about one complaint. One open notice per kind and subject (a unique index), so a check that runs
again, or a restart, never announces the same storm twice; its deliveries share the outbox."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from monitor.clock import iso


def open_notice(store, kind: str, subject: str, priority: str, body: dict, now: datetime,
                notifiers: list[str]) -> int | None:
    """Open a notice and queue its deliveries; None when one of this kind and subject is already open."""
    with store.transaction() as c:
        cur = c.execute(
            "INSERT OR IGNORE INTO notices (kind, subject, state, priority, opened_at, body) VALUES (?, ?, 'open', ?, ?, ?)",
            (kind, subject, priority, iso(now), json.dumps(body, ensure_ascii=False)))
        if not cur.rowcount:
            return None
        _deliveries(c, cur.lastrowid, "opened", priority, now, notifiers)
        return cur.lastrowid


def close_notice(store, notice_id: int, closing: dict, now: datetime, notifiers: list[str]) -> bool:
    """Close an open notice (the storm is over, the source is back) and say so once."""
    with store.transaction() as c:
        cur = c.execute("UPDATE notices SET state = 'closed', closed_at = ?, closing = ? WHERE id = ? AND state = 'open'",
                        (iso(now), json.dumps(closing, ensure_ascii=False), notice_id))
        if not cur.rowcount:
            return False
        priority = c.execute("SELECT priority FROM notices WHERE id = ?", (notice_id,)).fetchone()["priority"]
        _deliveries(c, notice_id, "closed", priority, now, notifiers)
        return True


def _deliveries(c, notice_id: int, phase: str, priority: str, now: datetime, notifiers: list[str]) -> None:
    # A notice is due the moment it opens: in deadline order it goes before alerts not yet due.
    for notifier in notifiers:
        c.execute(
            """INSERT OR IGNORE INTO deliveries (notifier, notice_id, notice_phase, priority, idempotency_key, due_at,
               next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (notifier, notice_id, phase, priority, f"{notifier}:notice:{notice_id}:{phase}", iso(now), iso(now),
             iso(now)))


def open_notices(store, kind: str) -> list[dict[str, Any]]:
    rows = store.rows("SELECT * FROM notices WHERE kind = ? AND state = 'open' ORDER BY id", (kind,))
    for row in rows:
        row["body"] = json.loads(row["body"])
    return rows


def all_open_notices(store) -> list[dict[str, Any]]:
    """Every open notice, the newest first: what the queue page shows above the alerts."""
    rows = store.rows("SELECT * FROM notices WHERE state = 'open' ORDER BY id DESC")
    for row in rows:
        row["body"], row["closing"] = json.loads(row["body"]), json.loads(row["closing"])
    return rows


def notice(store, notice_id: int) -> dict[str, Any]:
    row = store.rows("SELECT * FROM notices WHERE id = ?", (notice_id,))[0]
    row["body"], row["closing"] = json.loads(row["body"]), json.loads(row["closing"])
    return row
