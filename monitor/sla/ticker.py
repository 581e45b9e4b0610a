"""Checks every active alert's deadline: a warning before the breach, the breach, then the ladder.

Each step is an event row written once (the events say what was already done, so a restart does
not repeat them), with outbox deliveries to the notifiers it concerns. Escalation climbs only while
nobody has claimed the alert.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from monitor.clock import iso, parse_iso
from monitor.store import Store, StoreError

log = logging.getLogger("monitor.sla")


@dataclass
class Level:
    after: float            # seconds after the breach
    notify: list[str]


class SlaTicker:
    def __init__(self, store: Store, clock, *, warn_before: float, notifiers: list[str], ladder: list[Level]):
        self.store = store
        self.clock = clock
        self.warn_before = warn_before
        self.notifiers = notifiers
        self.ladder = ladder

    def tick(self) -> list[tuple[int, str]]:
        """Write what is due now; returns (alert id, event kind) for each event written."""
        now = self.clock.now()
        horizon = iso(now + timedelta(seconds=self.warn_before))
        written = []
        for alert in self.store.rows("SELECT id, state, due_at FROM alerts WHERE state IN ('open', 'claimed') "
                                     "AND due_at <= ? ORDER BY due_at", (horizon,)):
            done = {e["kind"] for e in self.store.rows("SELECT kind FROM events WHERE alert_id = ?", (alert["id"],))}
            for kind, notify in self._due_steps(alert, done, now):
                self.store.record_event(alert["id"], kind, now, notify)
                log.warning("alert.%s id=%s due=%s", kind, alert["id"], alert["due_at"])
                written.append((alert["id"], kind))
        return written

    def _due_steps(self, alert, done: set[str], now):
        due = parse_iso(alert["due_at"])
        if now < due:
            if "warning" not in done:
                yield "warning", self.notifiers
            return
        if "breached" not in done:
            yield "breached", self.notifiers
        if alert["state"] != "open":
            return
        for number, level in enumerate(self.ladder, start=1):
            kind = f"escalated-{number}"
            if kind not in done and now >= due + timedelta(seconds=level.after):
                yield kind, level.notify

    async def run_forever(self, stop: asyncio.Event, every: float = 5.0) -> None:
        while not stop.is_set():
            try:
                self.tick()
            except StoreError as exc:
                log.error("store.unavailable task=sla error=%r", str(exc))
            try:
                await asyncio.wait_for(stop.wait(), timeout=every)
            except asyncio.TimeoutError:
                pass
