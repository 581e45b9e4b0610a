"""Works through the outbox: one task per notifier, deliveries in deadline order, retried with backoff.

A notifier that is down delays only its own messages. Its queue is worked from the most urgent
deadline down and waits behind its head: after a failure that may heal, nothing goes until the
head's next attempt (a tenacity-style exponential backoff, or the receiver's Retry-After), so on
recovery the backlog leaves in deadline order rather than in the order of each row's own backoff.
A failure that cannot heal (this message refused) marks that delivery failed and goes on.
During the notifier's quiet hours only the excepted priorities go; the rest wait, in order.
Each delivery carries an idempotency key so a receiver can drop the double a crash may cause.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import aiohttp
from tenacity import wait_exponential_jitter

from monitor.clock import parse_iso
from monitor.noise.quiet import QuietHours
from monitor.notifiers.base import DeliveryError, Message, Notice, Notifier
from monitor.store import Store, StoreError
from monitor.store.notices import notice
from monitor.store.rows import alert_public, mention_public
from monitor.watch.wording import render_notice

log = logging.getLogger("monitor.outbox")

GIVE_UP_AFTER = timedelta(hours=24)
_BACKOFF = wait_exponential_jitter(multiplier=2, max=300)


class _Attempt:
    """Just enough of tenacity's RetryCallState for its wait strategies."""

    def __init__(self, attempt_number: int):
        self.attempt_number = attempt_number


class OutboxSender:
    def __init__(self, notifier: Notifier, store: Store, session: aiohttp.ClientSession, clock,
                 link_base: str, quiet: QuietHours | None = None):
        self.notifier = notifier
        self.store = store
        self.session = session
        self.clock = clock
        self.link_base = link_base.rstrip("/")
        self.quiet = quiet
        self.down = False
        self.quiet_now = False
        self.wakeup = asyncio.Event()   # set when deliveries are written, so they leave at once

    async def deliver_due(self) -> int:
        """Send what is due; stop at the first failure that may heal. Returns how many were sent."""
        sent = 0
        for row in self.store.pending_deliveries(self.notifier.name, priorities=self._allowed()):
            if parse_iso(row["next_attempt_at"]) > self.clock.now():
                return sent      # the head is backing off: everything behind it waits, in order
            try:
                await self._send(row)
            except DeliveryError as exc:
                self._failed(row, exc)
                if exc.retry:
                    return sent
                continue
            except Exception as exc:  # a notifier bug is contained to that notifier
                log.exception("notifier.crashed notifier=%s", self.notifier.name)
                self._failed(row, DeliveryError(f"internal error: {exc.__class__.__name__}"))
                return sent
            self.store.delivery_done(row["id"], self.clock.now())
            sent += 1
            if self.down:
                log.info("notifier.recovered notifier=%s", self.notifier.name)
                self.down = False
        return sent

    def _allowed(self) -> tuple[str, ...] | None:
        allowed = self.quiet.allowed(self.clock.now()) if self.quiet else None
        if (allowed is not None) != self.quiet_now:   # log the edges, not every pass
            self.quiet_now = allowed is not None
            log.info("notifier.quiet_hours_%s notifier=%s", "started" if self.quiet_now else "ended", self.notifier.name)
        return allowed

    async def _send(self, row) -> None:
        if row["notice_id"] is not None:
            await self.notifier.send_notice(self.session, self._notice(row))
        else:
            await self.notifier.send(self.session, self._message(row))

    def _message(self, row) -> Message:
        alert = self.store.alert(row["alert_id"])
        mention = self.store.rows("SELECT * FROM mentions WHERE id = ?", (alert["mention_id"],))[0]
        event = self.store.rows("SELECT kind FROM events WHERE id = ?", (row["event_id"],))[0]
        due = parse_iso(alert["due_at"])
        return Message(row["idempotency_key"], event["kind"], alert_public(alert), mention_public(mention),
                       f"{self.link_base}/alerts/{alert['id']}", (due - self.clock.now()).total_seconds(),
                       self._lang)

    def _notice(self, row) -> Notice:
        return render_notice(notice(self.store, row["notice_id"]), row["notice_phase"], row["idempotency_key"],
                             self.link_base, self._lang)

    @property
    def _lang(self) -> str:
        return getattr(self.notifier.options, "language", "en")

    def _failed(self, row, exc: DeliveryError) -> None:
        now = self.clock.now()
        wait = _BACKOFF(_Attempt(row["attempts"] + 1))
        if exc.retry_after:
            wait = max(wait, exc.retry_after)
        give_up = not exc.retry or now - parse_iso(row["created_at"]) > GIVE_UP_AFTER
        self.store.delivery_failed(row["id"], str(exc), now + timedelta(seconds=wait), give_up)
        if not exc.retry:
            log.error("delivery.refused notifier=%s delivery=%s error=%r (kept as failed)", self.notifier.name,
                      row["id"], str(exc))
        elif not self.down:
            log.warning("notifier.failing notifier=%s error=%r retry_in=%.0fs", self.notifier.name, str(exc), wait)
            self.down = True

    async def run_forever(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        while not stop.is_set():
            self.wakeup.clear()
            try:
                await self.deliver_due()
            except StoreError as exc:
                log.error("store.read_failed notifier=%s error=%r", self.notifier.name, str(exc))
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wakeup.wait())]
            await asyncio.wait(waiters, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()
