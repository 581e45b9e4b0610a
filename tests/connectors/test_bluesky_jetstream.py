"""Jetstream against a local WebSocket server: brand filtering, cursor rewind on reconnect, no loss, no repeats."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from aiohttp import web

from connectors.bluesky_jetstream import JetstreamConnector, JetstreamOptions
from monitor.clock import FakeClock

NOW = datetime(2026, 8, 1, 14, 0, tzinfo=timezone.utc)
T0 = 1725911162329308


def post(n: int, text: str, langs=("fa",), op="create", collection="app.bsky.feed.post") -> dict:
    """The shape Jetstream documents for a commit event."""
    return {"did": "did:plc:eygmaihciaxprqvxpfvl6flk", "time_us": T0 + n * 1_000_000, "kind": "commit",
            "commit": {"rev": f"3l3qo2vuowo{n}", "operation": op, "collection": collection, "rkey": f"3l3qo2vutsw{n:02d}",
                       "record": {"$type": collection, "createdAt": "2024-09-09T19:46:02.102Z", "langs": list(langs),
                                  "text": text}, "cid": f"bafyrei{n}"}}


class Jetstream:
    """Replays `events` after the cursor; each connection sends at most `per_connection`, then closes."""

    def __init__(self, events, per_connection=None):
        self.events, self.per_connection, self.cursors = events, per_connection, []

    async def subscribe(self, request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        cursor = int(request.query.get("cursor", 0))
        self.cursors.append(cursor or None)
        sent = 0
        for event in self.events:
            if event["time_us"] > cursor:
                await ws.send_json(event)
                sent += 1
                if self.per_connection and sent >= self.per_connection:
                    await ws.close()
                    return ws
        await ws.send_str("not json")
        await asyncio.sleep(30)
        return ws


def connector(url, **extra):
    options = JetstreamOptions(base_url=url, reconnect_delay=0.01, fetch_seconds=0.5, **extra)
    return JetstreamConnector("jet", options, brand_terms=["acme", "آکمه"], clock=FakeClock(NOW))


async def serve_jetstream(serve, jet):
    app = web.Application()
    app.router.add_get("/subscribe", jet.subscribe)
    server = await serve(app)
    return server.url.replace("http://", "ws://")


async def test_only_brand_posts_are_kept_and_normalised(serve, session):
    jet = Jetstream([post(1, "آكمه پولم رو برنگردوند"), post(2, "nothing to see"), post(3, "acme", op="delete"),
                     post(4, "acme liked", collection="app.bsky.feed.like"), post(5, "ACME is down")])
    batch = await connector(await serve_jetstream(serve, jet)).fetch(session, None)
    assert [m.text for m in batch.mentions] == ["آكمه پولم رو برنگردوند", "ACME is down"]
    m = batch.mentions[0]
    assert m.native_id == "at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3l3qo2vutsw01"
    assert m.url == "https://bsky.app/profile/did:plc:eygmaihciaxprqvxpfvl6flk/post/3l3qo2vutsw01"
    assert m.lang == "fa" and batch.cursor == {"time_us": T0 + 5_000_000}


async def test_a_dropped_connection_rewinds_and_loses_nothing_twice(serve, session):
    jet = Jetstream([post(i, f"acme {i}") for i in range(1, 8)], per_connection=3)
    conn = connector(await serve_jetstream(serve, jet), rewind=2)
    mentions, gen = [], conn.stream(session, {"time_us": T0})
    async with asyncio.timeout(5):
        async for batch in gen:
            mentions.extend(batch.mentions)
            if len(mentions) >= 7:
                break
    await gen.aclose()
    assert [m.text for m in mentions] == [f"acme {i}" for i in range(1, 8)]
    assert jet.cursors[:2] == [T0 - 2_000_000, T0 + 3_000_000 - 2_000_000], "the reconnect rewinds 2 s"


async def test_checkpoints_move_the_cursor_past_unmatched_events(serve, session):
    jet = Jetstream([post(i, "unrelated chatter") for i in range(1, 6)])
    batch = await connector(await serve_jetstream(serve, jet), checkpoint_every=2).fetch(session, None)
    assert batch.mentions == [] and batch.cursor == {"time_us": T0 + 4_000_000}


async def test_language_filter(serve, session):
    jet = Jetstream([post(1, "acme", langs=("en",)), post(2, "acme", langs=("ar",))])
    batch = await connector(await serve_jetstream(serve, jet), langs=["fa", "ar"]).fetch(session, None)
    assert [m.lang for m in batch.mentions] == ["ar"]


async def test_the_whole_firehose_is_refused(session):
    from connectors.errors import SourceError
    with pytest.raises(SourceError, match="brand terms or `match`"):
        await JetstreamConnector("jet", JetstreamOptions()).fetch(session, None)


async def test_an_unreachable_jetstream_is_a_failed_poll_not_an_empty_one(session):
    from connectors.errors import TransientError
    with pytest.raises(TransientError, match="Jetstream connection failed"):
        await connector("ws://127.0.0.1:9").fetch(session, None)
