"""Verdicts, alerts and their events: the half of the store the pipeline and the queue write.

A mixin of Store (monitor/store/store.py), which owns the connection and the transactions. Every
state change is an event row, and its deliveries are written in the same transaction.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from monitor.clock import iso
from monitor.models import Mention, Verdict
from monitor.store.rows import row_to_mention, verdict_to_json


class AlertWrites:
    group_window = 3600.0   # seconds: a complaint this close to an open one from the same author joins it

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

