"""Mastodon hashtag streaming (SSE) against a local instance: heartbeats, a dropped connection resumed
without loss or duplicates, and the fallback to polling when the instance refuses to stream."""
from __future__ import annotations

import asyncio
import json

from aiohttp import web

from connectors.mastodon_stream import MastodonStreamConnector, MastodonStreamOptions
from monitor.clock import FakeClock
from tests.connectors.test_mastodon import NOW, Instance, status


class Streaming:
    """Each connection plays the next script: a list of raw SSE chunks; "DROP" ends the response."""

    def __init__(self, scripts: list[list[str]], on_connect=None):
        self.scripts, self.on_connect, self.connections = scripts, on_connect, 0

    async def hashtag(self, request):
        self.connections += 1
        if self.on_connect:
            self.on_connect(self.connections)
        script = self.scripts.pop(0) if self.scripts else []
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(b":thump\n\n")
        for chunk in script:
            if chunk == "DROP":
                return resp
            await resp.write(chunk.encode())
        await asyncio.sleep(30)            # hold the stream open
        return resp


def update(s: dict) -> str:
    return f"event: update\ndata: {json.dumps(s, ensure_ascii=False)}\n\n"


async def start(serve, instance, streaming_handler):
    app = web.Application()
    app.router.add_get("/api/v1/timelines/tag/{tag}", instance.tag)
    app.router.add_get("/api/v1/streaming/hashtag", streaming_handler)
    return await serve(app)


def connector(url):
    options = MastodonStreamOptions(instance=url, hashtag="acme", reconnect_delay=0.01, poll_interval=0.05, idle_timeout=5)
    return MastodonStreamConnector("masto", options, timeout=2, clock=FakeClock(NOW))


async def collect(conn, session, cursor, count: int, seconds: float = 5):
    """Reads the stream until `count` mentions arrived; returns them and the last cursor."""
    mentions, last = [], cursor
    gen = conn.stream(session, cursor)
    try:
        async with asyncio.timeout(seconds):
            async for batch in gen:
                mentions.extend(batch.mentions)
                last = batch.cursor
                if len(mentions) >= count:
                    break
    finally:
        await gen.aclose()
    return mentions, last


async def test_a_dropped_stream_resumes_without_loss_or_duplicates(serve, session):
    inst = Instance([status(100, "acme old")])
    s101, s102, s103 = status(101, "acme one"), status(102, "acme posted while we were away"), status(103, "acme three")

    def between(n):
        if n == 1:                         # 102 is posted but the stream drops before sending it:
            inst.statuses[:0] = [s102, s101]   # only the catch-up can deliver it
    streaming = Streaming([[update(s101), "DROP"],
                           [update(s101), "event: update\ndata: {broken\n\n", update(s103)]],   # 101 again: a duplicate
                          on_connect=between)
    server = await start(serve, inst, streaming.hashtag)
    mentions, cursor = await collect(connector(server.url), session, {"min_id": "100"}, 3)
    assert [m.native_id.rsplit("/", 1)[-1] for m in mentions] == ["101", "102", "103"]
    assert cursor == {"min_id": "103"} and streaming.connections == 2


async def test_a_refused_stream_falls_back_to_polling(serve, session):
    inst = Instance([status(100, "acme old")])

    async def refused(request):
        inst.statuses.insert(0, status(101, "acme by polling"))
        return web.json_response({"error": "This method requires an authenticated user"}, status=401)
    server = await start(serve, inst, refused)
    conn = connector(server.url)
    mentions, cursor = await collect(conn, session, {"min_id": "100"}, 1)
    assert [m.text for m in mentions] == ["acme by polling"] and conn.streaming is False
    assert cursor == {"min_id": "101"}


async def test_events_other_than_updates_and_heartbeats_are_ignored(serve, session):
    inst = Instance([])
    streaming = Streaming([["event: delete\ndata: 99\n\n", ": another heartbeat\n\n",
                            "event: update\r\ndata: " + json.dumps(status(7, "acme crlf")) + "\r\n\r\n"]])
    server = await start(serve, inst, streaming.hashtag)
    mentions, _ = await collect(connector(server.url), session, {"min_id": "5"}, 1)
    assert [m.text for m in mentions] == ["acme crlf"]
