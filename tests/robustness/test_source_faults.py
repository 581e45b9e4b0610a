"""Source faults in the wild: each is contained to its source, shown in its health, and healed from."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from aiohttp import web

from connectors.rss import RssConnector, RssOptions
from monitor.clock import FakeClock
from monitor.scheduler import SourceRunner
from monitor.store import Store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
GOOD = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        '<item><guid>{id}</guid><title>acme parcel {id} never arrived</title></item></channel></rss>')


async def reset(request):
    request.transport.close()            # connection reset mid-request
    return web.Response()


async def slow_body(request):
    resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
    await resp.prepare(request)
    for _ in range(20):
        await resp.write(b" ")
        await asyncio.sleep(0.2)          # trickles past the timeout
    return resp


async def redirect_loop(request):
    raise web.HTTPFound(request.path)


async def huge(request):
    resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})   # chunked: no length given
    await resp.prepare(request)
    chunk = b"<!-- padding -->" * 4096
    for _ in range(50 * 1024 * 1024 // len(chunk)):
        await resp.write(chunk)
    return resp


async def truncated(request):
    return web.Response(body=GOOD.format(id=1).encode()[:60], content_type="application/rss+xml")


async def html(request):
    return web.Response(text="<html><title>Blocked</title></html>", content_type="text/html")


async def too_many(request):
    return web.Response(status=429, headers={"Retry-After": "30"})


async def server_error(request):
    return web.Response(status=502, text="bad gateway")


FAULTS = {"connection reset": (reset, "connection"), "slow body": (slow_body, "timed out"),
          "redirect loop": (redirect_loop, "redirect"), "50 MB body": (huge, "cap"),
          "truncated xml": (truncated, "broken feed"), "html instead of a feed": (html, "expected a feed"),
          "429 with Retry-After": (too_many, "429"), "5xx": (server_error, "HTTP 502")}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
async def test_fault_is_contained_shown_and_healed(serve, session, tmp_path, fault):
    handler, reason = FAULTS[fault]
    state = {"broken": True}

    async def feed(request):
        if state["broken"]:
            return await handler(request)
        return web.Response(text=GOOD.format(id=7), content_type="application/rss+xml")
    app = web.Application()
    app.router.add_get("/feed", feed)
    server = await serve(app)
    store = Store(tmp_path / "f.db")
    runner = SourceRunner(RssConnector("flaky", RssOptions(url=f"{server.url}/feed", max_bytes=10 * 1024 * 1024),
                                       timeout=1.5), store, session, interval=60, jitter=0, max_interval=600,
                          clock=FakeClock(T0), retry_wait=0.01)
    await runner.poll_once()
    health = store.source("flaky")
    assert health["status"] == "failing" and reason in health["last_error"], health["last_error"]
    state["broken"] = False
    await runner.poll_once()
    health = store.source("flaky")
    assert health["status"] == "ok" and health["failures"] == 0
    assert [r["native_id"] for r in store.rows("SELECT native_id FROM mentions")] == ["7"]


async def test_a_feed_repeating_its_whole_history_stores_nothing_twice(serve, session, tmp_path):
    items = "".join(f"<item><guid>{i}</guid><title>acme {i} broken</title></item>" for i in range(30))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'

    async def feed(request):
        return web.Response(text=body, content_type="application/rss+xml")
    app = web.Application()
    app.router.add_get("/feed", feed)
    server = await serve(app)
    store = Store(tmp_path / "h.db")
    runner = SourceRunner(RssConnector("h", RssOptions(url=f"{server.url}/feed")), store, session, interval=60,
                          jitter=0, max_interval=600, clock=FakeClock(T0))
    for _ in range(3):
        await runner.poll_once()
    assert store.rows("SELECT COUNT(*) n FROM mentions")[0]["n"] == 30
