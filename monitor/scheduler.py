"""One task per source: poll, store, sleep; a slow or broken source never delays another.

next poll = max(interval ± jitter, Retry-After), capped at max_interval. Transient failures are
retried inside the poll with tenacity (exponential backoff with jitter); a poll that still fails
marks the source failing, logged once on the way down and once on recovery.
"""
from __future__ import annotations

import asyncio
import logging
import random
from datetime import timedelta
from typing import Callable

import aiohttp
from tenacity import (AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt,
                      wait_exponential_jitter)

from connectors.base import Connector
from connectors.errors import RateLimited, SourceError, TransientError
from monitor.models import Batch
from monitor.store import Store, StoreError

log = logging.getLogger("monitor.scheduler")

RETRY_ATTEMPTS = 3


class SourceRunner:
    def __init__(self, connector: Connector, store: Store, session: aiohttp.ClientSession, *,
                 interval: float, jitter: float, max_interval: float, clock,
                 on_new: Callable[[], None] = lambda: None, retry_wait: float = 1.0):
        self.connector = connector
        self.store = store
        self.session = session
        self.interval = interval
        self.jitter = jitter
        self.max_interval = max_interval
        self.clock = clock
        self.on_new = on_new
        self.retry_wait = retry_wait
        self.failing = False
        store.ensure_source(connector.name, connector.kind, clock.now())

    @property
    def name(self) -> str:
        return self.connector.name

    async def run_forever(self, stop: asyncio.Event) -> None:
        if hasattr(self.connector, "stream"):
            await self.stream_forever(stop)
            return
        while not stop.is_set():
            try:
                delay = await self.poll_once()
            except StoreError as exc:   # the database is locked or full: wait, keep the cursor, retry
                log.error("store.unavailable source=%s error=%r", self.name, str(exc))
                delay = self.interval
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except asyncio.TimeoutError:
                pass

    async def stream_forever(self, stop: asyncio.Event) -> None:
        """A streaming source: every batch is stored as it arrives; a broken stream is restarted
        after a backoff, from the stored cursor, so nothing is lost or taken twice."""
        while not stop.is_set():
            try:
                async for batch in self.connector.stream(self.session, self.store.cursor(self.name)):
                    self._stored(batch, 0)
                    if stop.is_set():
                        return
                delay = self.interval
            except asyncio.CancelledError:
                raise
            except SourceError as exc:
                delay = self._failed(str(exc) or exc.__class__.__name__, getattr(exc, "retry_after", None))
            except StoreError as exc:
                log.error("store.unavailable source=%s error=%r", self.name, str(exc))
                delay = self.interval
            except Exception as exc:  # a connector bug is contained to its source
                log.exception("source.crashed source=%s", self.name)
                delay = self._failed(f"internal error: {exc.__class__.__name__}: {exc}", None)
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except asyncio.TimeoutError:
                pass

    def _stored(self, batch: Batch, delay: float) -> None:
        now = self.clock.now()
        new_ids = self.store.save_poll(self.name, batch.mentions, batch.cursor, batch.quota, now,
                                       now + timedelta(seconds=delay))
        if self.failing:
            log.info("source.recovered source=%s", self.name)
            self.failing = False
        if new_ids:
            log.info("source.polled source=%s new=%d", self.name, len(new_ids))
            self.on_new()

    async def poll_once(self) -> float:
        """Poll, store, and return how long to wait before the next poll."""
        cursor = self.store.cursor(self.name)
        try:
            batch = await self._fetch_with_retries(cursor)
        except asyncio.CancelledError:
            raise
        except SourceError as exc:
            return self._failed(str(exc) or exc.__class__.__name__, getattr(exc, "retry_after", None))
        except Exception as exc:  # a connector bug is contained to its source
            log.exception("source.crashed source=%s", self.name)
            return self._failed(f"internal error: {exc.__class__.__name__}: {exc}", None)
        delay = self._next_delay(batch.retry_after)
        try:
            self._stored(batch, delay)
        except StoreError as exc:
            log.error("store.write_failed source=%s error=%r", self.name, str(exc))
            return min(self.max_interval, self.interval)
        return delay

    async def _fetch_with_retries(self, cursor) -> Batch:
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(TransientError),
            stop=stop_after_attempt(RETRY_ATTEMPTS),
            wait=self._wait, reraise=True)
        async for attempt in retrying:
            with attempt:
                return await self.connector.fetch(self.session, cursor)
        raise AssertionError("unreachable")

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimited) and exc.retry_after:
            # The server said when; if that is longer than a retry should wait, give up this poll
            # and let the schedule honour it instead.
            if exc.retry_after > self.retry_wait * 8:
                raise exc
            return exc.retry_after
        return wait_exponential_jitter(multiplier=self.retry_wait, max=self.retry_wait * 8)(state)

    def _failed(self, error: str, retry_after: float | None) -> float:
        now = self.clock.now()
        failures = self.store.source(self.name).get("failures", 0) + 1
        # Back off exponentially while a source stays broken, but never past max_interval.
        delay = min(self.max_interval, self.interval * (2 ** min(failures - 1, 6)))
        if retry_after:
            delay = min(self.max_interval, max(delay, retry_after))
        try:
            self.store.record_failure(self.name, error, now, now + timedelta(seconds=delay))
        except StoreError as exc:
            log.error("store.write_failed source=%s error=%r", self.name, str(exc))
        if not self.failing:
            log.warning("source.failing source=%s error=%r next_poll_in=%.0fs", self.name, error, delay)
            self.failing = True
        return delay

    def _next_delay(self, retry_after: float | None) -> float:
        delay = self.interval * (1 + random.uniform(-self.jitter, self.jitter))
        if retry_after:
            delay = max(delay, retry_after)
        return min(delay, self.max_interval)


def start_runners(runners: list[SourceRunner], stop: asyncio.Event) -> list[asyncio.Task]:
    return [asyncio.create_task(r.run_forever(stop), name=f"source:{r.name}") for r in runners]


