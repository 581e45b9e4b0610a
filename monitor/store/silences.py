"""Silences kept in the store (added from the command line): who, why, what, and until when.
Silences written in settings.yaml are not copied here; monitor/noise/silences.py reads both."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from monitor.clock import iso

FIELDS = ("rule", "source", "term", "team")


def add_silence(store, *, starts_at: datetime, ends_at: datetime, by: str, reason: str, now: datetime,
                rule: str | None = None, source: str | None = None, term: str | None = None,
                team: str | None = None) -> int:
    if not any((rule, source, term, team)):
        raise ValueError("a silence names at least one of rule, source, term, team")
    if ends_at <= starts_at:
        raise ValueError("a silence must end after it starts")
    with store.transaction() as c:
        cur = c.execute(
            """INSERT INTO silences (rule, source, term, team, starts_at, ends_at, created_by, reason, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (rule, source, term, team, iso(starts_at), iso(ends_at), by, reason, iso(now)))
        return cur.lastrowid


def expire_silence(store, silence_id: int, by: str, now: datetime) -> dict[str, Any]:
    """Ends a silence now; raises KeyError (no such silence) or ValueError (already over)."""
    with store.transaction() as c:
        row = c.execute("SELECT * FROM silences WHERE id = ?", (silence_id,)).fetchone()
        if row is None:
            raise KeyError(f"no silence {silence_id}")
        if row["expired_at"] or row["ends_at"] <= iso(now):
            raise ValueError(f"silence {silence_id} is already over")
        c.execute("UPDATE silences SET expired_at = ?, expired_by = ? WHERE id = ?", (iso(now), by, silence_id))
    return store.rows("SELECT * FROM silences WHERE id = ?", (silence_id,))[0]


def active_silences(conn, now: datetime) -> list[dict[str, Any]]:
    """Read through the given connection, so a decision inside a transaction sees that transaction."""
    return [dict(r) for r in conn.execute(
        """SELECT * FROM silences WHERE expired_at IS NULL AND starts_at <= ? AND ends_at > ? ORDER BY id""",
        (iso(now), iso(now))).fetchall()]


def all_silences(store, now: datetime, include_over: bool = False) -> list[dict[str, Any]]:
    where = "" if include_over else "WHERE expired_at IS NULL AND ends_at > ?"
    return store.rows(f"SELECT * FROM silences {where} ORDER BY id", () if include_over else (iso(now),))
