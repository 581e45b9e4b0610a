"""The store: every write goes through here, inside short transactions, from one writer.

Unique keys make each step idempotent: re-polling, re-processing after a crash and re-sending
never duplicate a mention, an alert or a delivery.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

from monitor.clock import iso
from monitor.models import Mention, Verdict
from monitor.store.rows import mention_to_row, row_to_mention, verdict_to_json
from monitor.store.schema import MIGRATIONS

OPEN_STATES = ("open", "claimed")


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


class Store:
    group_window = 3600.0   # seconds: a complaint this close to an open one from the same author joins it

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

    # --- mentions and verdicts -------------------------------------------------

    def unprocessed(self, limit: int = 500) -> list[Mention]:
        rows = self.rows("SELECT * FROM mentions WHERE processed_at IS NULL ORDER BY id LIMIT ?", (limit,))
        return [row_to_mention(r) for r in rows]

    def save_verdict(self, mention: Mention, verdict: Verdict, now: datetime,
                     notifiers: list[str]) -> int | None:
        return self.save_verdicts([(mention, verdict)], now, notifiers)[0]

    def save_verdicts(self, judged: list[tuple[Mention, Verdict]], now: datetime,
                      notifiers: list[str]) -> list[int | None]:
        """Record verdicts; for each complaint create its alert, the event and the outbox rows.
        One transaction for the whole batch: all of it is saved, or none and it is judged again."""
        with self.transaction() as c:
            return [self._save_one(c, m, v, now, notifiers) for m, v in judged]

    def _save_one(self, c, mention: Mention, verdict: Verdict, now: datetime, notifiers: list[str]) -> int | None:
        c.execute("UPDATE mentions SET processed_at = ?, complaint = ?, verdict = ? WHERE id = ?",
                  (iso(now), int(verdict.complaint), verdict_to_json(verdict), mention.id))
        if not verdict.complaint:
            return None
        incident = self._open_incident(c, mention)
        if incident is not None:
            # Noise control: the team already has this person's (or this thread's) complaint open.
            c.execute("UPDATE alerts SET mentions_count = mentions_count + 1, updated_at = ? WHERE id = ?",
                      (iso(now), incident))
            c.execute("UPDATE mentions SET incident_alert_id = ? WHERE id = ?", (incident, mention.id))
            self._event(c, incident, now, "monitor", "grouped", None, None, f"mention {mention.id}", [], iso(now),
                        verdict.priority)
            return None
        due = verdict.due_at or mention.published_at + timedelta(seconds=verdict.respond_within)
        cur = c.execute(
            """INSERT OR IGNORE INTO alerts (mention_id, state, priority, team, due_at, created_at,
               updated_at, rules, tags, explanation) VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?)""",
            (mention.id, verdict.priority, verdict.team, iso(due), iso(now), iso(now),
             json.dumps(verdict.rules), json.dumps(verdict.tags),
             json.dumps(verdict.explanation, ensure_ascii=False)))
        if not cur.rowcount:
            return None
        self._event(c, cur.lastrowid, now, "monitor", "created", None, "open", "", notifiers, iso(due),
                    verdict.priority)
        return cur.lastrowid

    def _open_incident(self, c, mention: Mention) -> int | None:
        """An active alert from the same author, or in the same thread, posted within the window; or the
        same text by the same author on another source (one post cross-posted is one incident)."""
        if not (mention.author.handle or mention.thread_id):
            return None
        since = iso(mention.published_at - timedelta(seconds=self.group_window))
        row = c.execute(
            """SELECT a.id FROM alerts a JOIN mentions m ON m.id = a.mention_id
               WHERE a.state IN ('open', 'claimed') AND m.published_at >= ? AND m.id != ?
                 AND ((m.source = ? AND ((? != '' AND m.author_handle = ?)
                                         OR (? IS NOT NULL AND m.thread_id = ? AND m.thread_id != '')))
                      OR (? != '' AND m.author_handle = ? AND m.text = ?))
               ORDER BY a.id LIMIT 1""",
            (since, mention.id, mention.source, mention.author.handle, mention.author.handle,
             mention.thread_id, mention.thread_id, mention.author.handle, mention.author.handle,
             mention.text)).fetchone()
        return row["id"] if row else None

    # --- alerts and events -------------------------------------------------------

    def _event(self, c, alert_id, now, actor, kind, from_state, to_state, note, notifiers, due_at,
               priority) -> int:
        held = self.gate.hold(c, alert_id, kind, now) if notifiers and self.gate is not None else None
        if held and kind != "created":
            note = f"{note} (notified nobody: {held})".strip()
        cur = c.execute(
            "INSERT INTO events (alert_id, at, actor, kind, from_state, to_state, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (alert_id, iso(now), actor, kind, from_state, to_state, note))
        event_id = cur.lastrowid
        if held:
            if kind == "created":
                # The alert is on the queue; why nobody was paged is on record, and realert counts only
                # alerts that did page someone.
                c.execute("UPDATE alerts SET muted = ? WHERE id = ?", (held, alert_id))
                c.execute("INSERT INTO events (alert_id, at, actor, kind, from_state, to_state, note) "
                          "VALUES (?, ?, 'monitor', 'muted', ?, ?, ?)", (alert_id, iso(now), to_state, to_state, held))
            return event_id
        for notifier in notifiers:
            c.execute(
                """INSERT OR IGNORE INTO deliveries (notifier, alert_id, event_id, priority, idempotency_key, due_at,
                   next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (notifier, alert_id, event_id, priority, f"{notifier}:{alert_id}:{event_id}", due_at, iso(now),
                 iso(now)))
        return event_id

    def transition(self, alert_id: int, to_state: str, actor: str, now: datetime, *,
                   allowed_from: tuple[str, ...], note: str = "", notifiers: list[str] = ()) -> dict:
        with self.transaction() as c:
            row = c.execute("SELECT state, due_at, priority FROM alerts WHERE id = ?", (alert_id,)).fetchone()
            if row is None:
                raise KeyError(f"no alert {alert_id}")
            if row["state"] not in allowed_from:
                raise ValueError(f"alert {alert_id} is {row['state']}; cannot become {to_state}")
            assignee = actor if to_state == "claimed" else None
            c.execute("UPDATE alerts SET state = ?, updated_at = ?, assignee = COALESCE(?, assignee) WHERE id = ?",
                      (to_state, iso(now), assignee, alert_id))
            self._event(c, alert_id, now, actor, to_state, row["state"], to_state, note, notifiers, row["due_at"],
                        row["priority"])
        return self.alert(alert_id)

    def merge(self, alert_id: int, into: int, actor: str, now: datetime, *, allowed_from: tuple[str, ...],
              note: str = "", notifiers: list[str] = ()) -> dict:
        """Mark an alert as a duplicate of another: its state becomes merged, it points at the target, and
        the target takes over its mentions count. Both alerts keep every row and get an event."""
        with self.transaction() as c:
            dup = c.execute("SELECT state, due_at, mentions_count, priority FROM alerts WHERE id = ?",
                            (alert_id,)).fetchone()
            target = c.execute("SELECT state, due_at, merged_into, priority FROM alerts WHERE id = ?", (into,)).fetchone()
            if dup is None or target is None:
                raise KeyError(f"no alert {alert_id if dup is None else into}")
            if alert_id == into:
                raise ValueError(f"alert {alert_id} cannot be merged into itself")
            if dup["state"] not in allowed_from:
                raise ValueError(f"alert {alert_id} is {dup['state']}; cannot become merged")
            if target["state"] in ("merged", "dismissed"):
                where = f" into #{target['merged_into']}" if target["merged_into"] else ""
                raise ValueError(f"alert {into} is {target['state']}{where}; merge into a live alert")
            c.execute("UPDATE alerts SET state = 'merged', merged_into = ?, updated_at = ? WHERE id = ?",
                      (into, iso(now), alert_id))
            c.execute("UPDATE alerts SET mentions_count = mentions_count + ?, updated_at = ? WHERE id = ?",
                      (dup["mentions_count"], iso(now), into))
            text = f"into #{into}" + (f": {note}" if note else "")
            self._event(c, alert_id, now, actor, "merged", dup["state"], "merged", text, notifiers, dup["due_at"],
                        dup["priority"])
            self._event(c, into, now, actor, "absorbed", target["state"], target["state"],
                        f"#{alert_id} (+{dup['mentions_count']})", [], target["due_at"], target["priority"])
        return self.alert(alert_id)

    def record_event(self, alert_id: int, kind: str, now: datetime, notifiers: list[str], note: str = "") -> int:
        """An event that does not change the state (warning, breached, escalated), with its deliveries."""
        with self.transaction() as c:
            row = c.execute("SELECT state, due_at, priority FROM alerts WHERE id = ?", (alert_id,)).fetchone()
            return self._event(c, alert_id, now, "monitor", kind, row["state"], row["state"], note, notifiers,
                               row["due_at"], row["priority"])

    def alert(self, alert_id: int) -> dict[str, Any]:
        rows = self.rows("SELECT * FROM alerts WHERE id = ?", (alert_id,))
        if not rows:
            raise KeyError(f"no alert {alert_id}")
        return rows[0]

    def events(self, alert_id: int) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM events WHERE alert_id = ? ORDER BY id", (alert_id,))

    # --- learning from the team -------------------------------------------------------

    def team_verdict(self, mention_id: int, complaint: bool, actor: str, now: datetime) -> None:
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO team_verdicts (mention_id, complaint, actor, at) VALUES (?, ?, ?, ?)",
                      (mention_id, int(complaint), actor, iso(now)))

    def team_examples(self) -> list[tuple[str, bool]]:
        rows = self.rows("SELECT m.text, v.complaint FROM team_verdicts v JOIN mentions m ON m.id = v.mention_id "
                         "ORDER BY v.mention_id")
        return [(r["text"], bool(r["complaint"])) for r in rows]

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
