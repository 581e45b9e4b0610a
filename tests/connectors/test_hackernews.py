"""Hacker News via a local server speaking Algolia's search_by_date (numericFilters, pages)."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from aiohttp import web

from connectors.errors import BadResponse, TransientError
from connectors.hackernews import HackerNewsConnector, HackerNewsOptions
from monitor.clock import FakeClock

NOW = datetime(2025, 7, 16, 14, 0, tzinfo=timezone.utc)
T = int(NOW.timestamp())


def hit(object_id, created, text, kind="comment"):
    base = {"objectID": str(object_id), "author": "graeber_28927", "created_at_i": created,
            "created_at": datetime.fromtimestamp(created, tz=timezone.utc).isoformat(), "_tags": [kind]}
    if kind == "comment":
        return {**base, "comment_text": text, "story_id": 44548620, "parent_id": 44576671, "points": None}
    return {**base, "title": text, "story_text": None, "points": 3, "num_comments": 1}


class Algolia:
    def __init__(self, hits, per_page=100):
        self.hits, self.per_page, self.requests = hits, per_page, []

    async def search(self, request: web.Request) -> web.Response:
        self.requests.append(dict(request.query))
        since = int(request.query["numericFilters"].split(">")[1])
        page = int(request.query.get("page", 0))
        matching = sorted((h for h in self.hits if h["created_at_i"] > since), key=lambda h: -h["created_at_i"])
        pages = max(1, -(-len(matching) // self.per_page))
        chunk = matching[page * self.per_page:(page + 1) * self.per_page]
        return web.json_response({"hits": chunk, "nbPages": pages, "page": page, "hitsPerPage": self.per_page,
                                  "params": "advancedSyntax=true&analyticsTags=backend"})


async def start(serve, handler):
    app = web.Application()
    app.router.add_get("/api/v1/search_by_date", handler)
    return await serve(app)


def connector(url):
    return HackerNewsConnector("hn", HackerNewsOptions(base_url=url, query="acme"), brand_terms=["acme"],
                               timeout=1, clock=FakeClock(NOW))


async def test_hits_are_normalised_and_fuzzy_matches_dropped(serve, session):
    algolia = Algolia([hit(1, T - 100, "Acme&#x27;s support &quot;never&quot; answers<p>second para"),
                       hit(2, T - 90, "Ask HN: is Acme down?", kind="story"),
                       hit(3, T - 80, "the acmeish checkbox animation")])
    server = await start(serve, algolia.search)
    batch = await connector(server.url).fetch(session, None)
    assert [m.native_id for m in batch.mentions] == ["2", "1"], "'acmeish' is not the brand"
    comment = next(m for m in batch.mentions if m.native_id == "1")
    assert comment.text == "Acme's support \"never\" answers\nsecond para"
    assert comment.url == "https://news.ycombinator.com/item?id=1" and comment.reply_to == "44576671"
    story = next(m for m in batch.mentions if m.native_id == "2")
    assert story.engagement == {"points": 3, "num_comments": 1}
    assert batch.cursor["since"] == T - 80
    assert "created_at_i>" in algolia.requests[0]["numericFilters"]


async def test_the_next_poll_asks_from_the_cursor_with_overlap_and_repeats_nothing(serve, session):
    algolia = Algolia([hit(1, T - 100, "acme one")])
    server = await start(serve, algolia.search)
    c = connector(server.url)
    first = await c.fetch(session, None)
    algolia.hits.append(hit(2, T - 50, "acme two"))
    second = await c.fetch(session, first.cursor)
    assert [m.native_id for m in second.mentions] == ["2"]
    assert algolia.requests[-1]["numericFilters"] == f"created_at_i>{T - 100 - 60}"


async def test_a_burst_larger_than_one_page_is_read_across_pages(serve, session):
    algolia = Algolia([hit(i, T - 1000 + i, f"acme {i}") for i in range(250)], per_page=100)
    server = await start(serve, algolia.search)
    batch = await connector(server.url).fetch(session, None)
    assert len({m.native_id for m in batch.mentions}) == 250
    assert [r["page"] for r in algolia.requests] == ["0", "1", "2"]


async def test_an_empty_result_keeps_the_cursor(serve, session):
    server = await start(serve, Algolia([]).search)
    batch = await connector(server.url).fetch(session, {"since": T - 10, "seen": ["9"]})
    assert batch.mentions == [] and batch.cursor == {"since": T - 10, "seen": ["9"]}


async def html_page(request):
    return web.Response(text="<html>blocked</html>", content_type="text/html")


async def server_error(request):
    return web.Response(status=503)


async def slow(request):
    await asyncio.sleep(3)
    return web.json_response({})


async def huge(request):
    return web.json_response({"hits": [hit(i, T, "acme " + "x" * 1000) for i in range(6000)]})


@pytest.mark.parametrize("handler,error,reason", [
    (html_page, BadResponse, "expected JSON"), (server_error, TransientError, "503"),
    (slow, TransientError, "timed out"), (huge, BadResponse, "cap"),
], ids=["html instead of json", "5xx", "timeout", "oversized body"])
async def test_failures(serve, session, handler, error, reason):
    server = await start(serve, handler)
    with pytest.raises(error, match=reason):
        await connector(server.url).fetch(session, None)
