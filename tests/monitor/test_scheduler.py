"""The scheduler: retries, Retry-After, health, and one broken source never delaying another."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import pytest
from aiohttp import web

from connectors.base import Connector
from connectors.errors import BadResponse, RateLimited, TransientError
from connectors.rss import RssConnector, RssOptions
from monitor.clock import FakeClock
from monitor.models import Batch, Mention
from monitor.scheduler import SourceRunner
from monitor.store import Store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


class Scripted(Connector):
    """A connector that plays a script of outcomes: a Batch or an exception per call."""
    kind = "scripted"

    def __init__(self, name, script):
        super().__init__(name, None)
        self.script = list(script)
        self.calls = 0

    async def fetch(self, session, cursor):
        self.calls += 1
        outcome = self.script.pop(0) if self.script else Batch([], cursor)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def ok_batch(*ids):
    return Batch([Mention(source="s", native_id=i, text=f"text {i}", published_at=T0) for i in ids], {"last": ids[-1]})


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "m.db")
    yield s
    s.close()


def runner(connector, store, **kw) -> SourceRunner:
    return SourceRunner(connector, store, session=None, interval=kw.pop("interval", 60), jitter=0,
                        max_interval=3600, clock=FakeClock(T0), retry_wait=0.01, **kw)


async def test_transient_errors_are_retried_within_the_poll(store):
    c = Scripted("s", [TransientError("HTTP 503"), TransientError("reset"), ok_batch("1")])
    delay = await runner(c, store).poll_once()
    assert c.calls == 3 and delay == 60
    assert store.source("s")["status"] == "ok"
    assert store.cursor("s") == {"last": "1"}


async def test_a_poll_that_keeps_failing_marks_the_source_failing_with_the_reason(store):
    c = Scripted("s", [BadResponse("expected a feed, got text/html"), BadResponse("again")])
    r = runner(c, store)
    delay = await r.poll_once()
    row = store.source("s")
    assert c.calls == 1, "a bad response is not retried within the poll"
    assert row["status"] == "failing" and row["failures"] == 1
    assert row["last_error"] == "expected a feed, got text/html"
    assert delay == 60
    assert await r.poll_once() == 120, "a source that stays broken backs off"
    await r.poll_once()
    assert store.source("s")["status"] == "ok" and store.source("s")["failures"] == 0


async def test_a_long_retry_after_is_honoured_by_the_schedule(store):
    c = Scripted("s", [RateLimited("HTTP 429", retry_after=900)])
    delay = await runner(c, store).poll_once()
    assert c.calls == 1 and delay == 900


async def test_retry_after_on_a_good_batch_stretches_the_interval(store):
    batch = ok_batch("1")
    batch.retry_after = 300
    assert await runner(Scripted("s", [batch]), store).poll_once() == 300


async def test_a_crashing_connector_is_contained(store):
    c = Scripted("s", [ZeroDivisionError("bug")])
    await runner(c, store).poll_once()
    assert "internal error: ZeroDivisionError" in store.source("s")["last_error"]


async def test_a_hanging_source_never_delays_another(serve, session, store):
    async def hang(request):
        await asyncio.sleep(5)
        return web.Response(text="late")

    async def feed(request):
        return web.Response(text="""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><guid>a</guid><title>acme is late again</title></item></channel></rss>""",
                            content_type="application/rss+xml")
    app = web.Application()
    app.router.add_get("/hang", hang)
    app.router.add_get("/feed", feed)
    server = await serve(app)
    slow = SourceRunner(RssConnector("slow", RssOptions(url=f"{server.url}/hang"), timeout=3), store, session,
                        interval=60, jitter=0, max_interval=60, clock=FakeClock(T0), retry_wait=0.01)
    fast = SourceRunner(RssConnector("fast", RssOptions(url=f"{server.url}/feed"), timeout=3), store, session,
                        interval=60, jitter=0, max_interval=60, clock=FakeClock(T0), retry_wait=0.01)
    stop = asyncio.Event()
    started = time.monotonic()
    tasks = [asyncio.create_task(r.run_forever(stop)) for r in (slow, fast)]
    while store.source("fast").get("status") != "ok":
        await asyncio.sleep(0.02)
    elapsed = time.monotonic() - started
    stop.set()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert elapsed < 2.5, f"the fast source waited {elapsed:.1f}s behind the hanging one"
    assert store.rows("SELECT native_id FROM mentions WHERE source = 'fast'") == [{"native_id": "a"}]


class Streaming(Connector):
    """Yields two batches, then breaks like a dropped connection; resumes from the stored cursor."""
    kind = "streaming"

    def __init__(self, name):
        super().__init__(name, None)
        self.cursors = []

    async def fetch(self, session, cursor):
        return Batch([], cursor)

    async def stream(self, session, cursor):
        self.cursors.append(cursor)
        start = (cursor or {}).get("n", 0)
        for n in (start + 1, start + 2):
            yield Batch([Mention(source="s", native_id=str(n), text=f"acme {n}", published_at=T0)], {"n": n})
        raise TransientError("stream dropped")


async def test_a_streaming_source_stores_as_it_goes_and_resumes_from_its_cursor(store):
    c = Streaming("s")
    r = SourceRunner(c, store, session=None, interval=0.01, jitter=0, max_interval=0.05, clock=FakeClock(T0))
    stop = asyncio.Event()
    task = asyncio.create_task(r.run_forever(stop))
    while store.rows("SELECT COUNT(*) n FROM mentions")[0]["n"] < 6:
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 2)
    assert c.cursors[:3] == [None, {"n": 2}, {"n": 4}], "each reconnect resumes where the last stopped"
    ids = [r["native_id"] for r in store.rows("SELECT native_id FROM mentions ORDER BY id")]
    assert ids[:6] == ["1", "2", "3", "4", "5", "6"]
