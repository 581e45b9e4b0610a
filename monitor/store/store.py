"""The store: every write goes through here, inside short transactions, from one writer.

Unique keys make each step idempotent: re-polling, re-processing after a crash and re-sending
never duplicate a mention, an alert or a delivery.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

from monitor.clock import iso
from monitor.models import Mention
from monitor.store.alerts import AlertWrites
from monitor.store.rows import mention_to_row, row_to_mention
from monitor.store.schema import MIGRATIONS


def split_statements(script: str) -> list[str]:
    """A script's statements, split only where SQLite says one is complete: a ';' inside a trigger's
    BEGIN ... END, a string or a comment does not end a statement."""
    statements, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \t\n;"):
        raise ValueError(f"incomplete SQL statement in a migration: {pending.strip()[:80]!r}")
    return statements


class StoreError(Exception):
    """The database cannot be used: locked, full, corrupt or unreadable."""


class Store(AlertWrites):

    def __init__(self, path: str | Path):
        self.path = Path(path)
        # Noise control (monitor/noise/gate.py), set by the daemon. Deliveries are written only here,
        # in the transaction of the event they announce, so this is the one place they can be held.
        self.gate = None
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            self.db = sqlite_utils.Database(conn)
            if str(path) != ":memory:":
                self.db.enable_wal()
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable at checkpoints, fast
            self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the database at {path}: {exc}") from exc

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.conn.close()

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in split_statements(script):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"database unavailable: {exc}") from exc
        try:
            yield self.conn
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"could not save: {exc}") from exc
        except BaseException:
            self._rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"could not save: {exc}") from exc

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        try:
            return [dict(r) for r in self.conn.execute(sql, params).fetchall()]
        except sqlite3.OperationalError as exc:
            raise StoreError(f"could not read: {exc}") from exc

    # --- sources -------------------------------------------------------------

    def ensure_source(self, name: str, kind: str, now: datetime | None = None) -> dict[str, Any]:
        """The source's state row; `added_at` starts its nothing-new clock before its first mention."""
        with self.transaction() as c:
            c.execute("INSERT OR IGNORE INTO sources (name, kind) VALUES (?, ?)", (name, kind))
            if now is not None:
                c.execute("UPDATE sources SET added_at = ? WHERE name = ? AND added_at IS NULL", (iso(now), name))
        return self.source(name)

    def source(self, name: str) -> dict[str, Any]:
        rows = self.rows("SELECT * FROM sources WHERE name = ?", (name,))
        return rows[0] if rows else {}

    def cursor(self, name: str) -> dict[str, Any] | None:
        raw = self.source(name).get("cursor")
        return json.loads(raw) if raw else None

    def save_poll(self, name: str, mentions: list[Mention], cursor: dict | None, quota: dict,
                  now: datetime, next_poll: datetime) -> list[int]:
        """Store a poll's mentions and move the cursor in one transaction: a crash loses neither."""
        new_ids = []
        with self.transaction() as c:
            for m in mentions:
                row = mention_to_row(m, now)
                cur = c.execute(
                    f"INSERT OR IGNORE INTO mentions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    tuple(row.values()))
                if cur.rowcount:
                    new_ids.append(cur.lastrowid)
            c.execute(
                """UPDATE sources SET cursor = ?, status = 'ok', last_poll = ?, last_ok = ?, next_poll = ?,
                   last_error = NULL, failures = 0, failing_since = NULL, polls = polls + 1,
                   mentions_total = mentions_total + ?, quota = ?,
                   last_new = CASE WHEN ? > 0 THEN ? ELSE last_new END WHERE name = ?""",
                (json.dumps(cursor) if cursor is not None else None, iso(now), iso(now), iso(next_poll),
                 len(new_ids), json.dumps(quota), len(new_ids), iso(now), name))
        return new_ids

    def record_failure(self, name: str, error: str, now: datetime, next_poll: datetime) -> int:
        with self.transaction() as c:
            c.execute(
                """UPDATE sources SET status = 'failing', last_poll = ?, next_poll = ?, last_error = ?,
                   failures = failures + 1, polls = polls + 1, failing_since = COALESCE(failing_since, ?)
                   WHERE name = ?""",
                (iso(now), iso(next_poll), error[:500], iso(now), name))
        return self.source(name).get("failures", 0)

    def set_source_silence(self, name: str, silence: str | None) -> None:
        """What the dashboard shows while a source is silent ("failing since ..."); None when it is not."""
        if self.source(name).get("silence") == silence:
            return   # checked every minute: write only when it changes
        with self.transaction() as c:
            c.execute("UPDATE sources SET silence = ? WHERE name = ?", (silence, name))

    def sources(self) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM sources ORDER BY name")

    # --- learning from the team -------------------------------------------------------

    def team_verdict(self, mention_id: int, complaint: bool, actor: str, now: datetime) -> None:
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO team_verdicts (mention_id, complaint, actor, at) VALUES (?, ?, ?, ?)",
                      (mention_id, int(complaint), actor, iso(now)))

    def team_examples(self) -> list[tuple[Mention, bool]]:
        """Each mention the team has judged, whole (the model reads it as the rules do), and the verdict."""
        rows = self.rows("SELECT m.*, v.complaint AS team_complaint FROM team_verdicts v "
                         "JOIN mentions m ON m.id = v.mention_id ORDER BY v.mention_id")
        return [(row_to_mention(r), bool(r["team_complaint"])) for r in rows]

    def save_model(self, name: str, body: str, examples: int, now: datetime) -> None:
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO models (name, trained_at, examples, body) VALUES (?, ?, ?, ?)",
                      (name, iso(now), examples, body))

    def model(self, name: str) -> dict[str, Any] | None:
        rows = self.rows("SELECT * FROM models WHERE name = ?", (name,))
        return rows[0] if rows else None

    # --- outbox ----------------------------------------------------------------------

    def pending_deliveries(self, notifier: str, limit: int = 50,
                           priorities: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """Pending deliveries of one notifier, most urgent deadline first, whether or not their next
        attempt is due (the sender waits for the head, so order holds); only `priorities` when given
        (quiet hours let only some through)."""
        only = f" AND priority IN ({', '.join('?' * len(priorities))})" if priorities is not None else ""
        return self.rows(
            f"""SELECT * FROM deliveries WHERE notifier = ? AND state = 'pending'{only}
                ORDER BY due_at, id LIMIT ?""", (notifier, *(priorities or ()), limit))

    def delivery_done(self, delivery_id: int, now: datetime) -> None:
        with self.transaction() as c:
            c.execute("UPDATE deliveries SET state = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                      (iso(now), delivery_id))

    def delivery_failed(self, delivery_id: int, error: str, next_attempt: datetime, give_up: bool) -> None:
        with self.transaction() as c:
            c.execute(
                """UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
                   state = CASE WHEN ? THEN 'failed' ELSE 'pending' END WHERE id = ?""",
                (error[:500], iso(next_attempt), int(give_up), delivery_id))
