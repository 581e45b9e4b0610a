"""Trustpilot business-unit reviews against a local API: apikey header, find by domain, page-based paging."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import web

from connectors.errors import AuthError, RateLimited
from connectors.trustpilot import TrustpilotConnector, TrustpilotOptions
from monitor.clock import FakeClock
from tests.connectors.faults import FAULTS, MAX_BYTES, TIMEOUT

NOW = datetime(2026, 8, 1, 14, 0, tzinfo=timezone.utc)
UNIT = "46d6a890000064000500e0c3"
KEY = "tp-key-123"


def review(rid: str, stars: int, title: str, text: str, minutes_ago: float = 5) -> dict:
    return {"id": rid, "stars": stars, "title": title, "text": text, "language": "fa",
            "createdAt": (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "consumer": {"id": f"c{rid}", "displayName": "Sara", "numberOfReviews": 4},
            "links": [{"href": f"https://api.trustpilot.com/v1/reviews/{rid}", "method": "GET", "rel": "reviews"}]}


class Api:
    def __init__(self, reviews=()):
        self.reviews, self.finds, self.keys = list(reviews), 0, []

    async def find(self, request):
        self.finds += 1
        if request.query.get("name") != "acme.com":
            return web.json_response({"message": "Not found"}, status=404)
        return web.json_response({"id": UNIT, "displayName": "Acme", "name": {"referring": ["acme.com"]}})

    async def list_reviews(self, request):
        self.keys.append(request.headers.get("apikey"))
        if request.headers.get("apikey") != KEY:
            return web.json_response({"message": "Invalid ApiKey"}, status=401)
        page, size = int(request.query["page"]), int(request.query["perPage"])
        chunk = self.reviews[(page - 1) * size:page * size]
        return web.json_response({"reviews": chunk, "links": []})

    def app(self, handler=None):
        app = web.Application()
        app.router.add_get("/v1/business-units/find", self.find)
        app.router.add_get(f"/v1/business-units/{UNIT}/reviews", handler or self.list_reviews)
        return app


def connector(url, key=KEY, **extra):
    extra.setdefault("business_unit_id", UNIT)
    options = TrustpilotOptions(base_url=url, api_key=key, max_bytes=MAX_BYTES, **extra)
    return TrustpilotConnector("tp", options, timeout=TIMEOUT, clock=FakeClock(NOW))


async def test_reviews_are_normalised_with_stars(serve, session):
    api = Api([review("5f1", 1, "Never again", "Never again. &quot;Refund&quot; never came"), review("5f2", 4, "Good", "Fast")])
    server = await serve(api.app())
    batch = await connector(server.url).fetch(session, None)
    first, second = batch.mentions
    assert first.text == 'Never again. "Refund" never came' and second.text == "Good\nFast"
    assert (first.rating, first.lang, first.author.name, first.url) == (1.0, "fa", "Sara", "https://www.trustpilot.com/reviews/5f1")
    assert first.published_at == NOW - timedelta(minutes=5) and api.keys == [KEY]


async def test_the_unit_is_found_by_domain_once(serve, session):
    api = Api([review("1", 2, "t", "x")])
    server = await serve(api.app())
    conn = connector(server.url, business_unit_id=None, domain="acme.com")
    cursor = (await conn.fetch(session, None)).cursor
    await conn.fetch(session, cursor)
    assert api.finds == 1 and cursor["unit"] == UNIT


async def test_a_burst_pages_on_until_known_reviews(serve, session):
    api = Api([review("old", 3, "t", "x", minutes_ago=60)])
    server = await serve(api.app())
    conn = connector(server.url)
    cursor = (await conn.fetch(session, None)).cursor
    api.reviews = [review(f"n{i}", 1, "t", "x") for i in range(180)] + api.reviews
    batch = await conn.fetch(session, cursor)
    assert len(batch.mentions) == 180


async def test_first_run_skips_old_reviews_and_an_empty_unit_is_fine(serve, session):
    server = await serve(Api([review("new", 1, "t", "x"), review("old", 1, "t", "x", minutes_ago=3 * 24 * 60)]).app())
    assert [m.native_id for m in (await connector(server.url).fetch(session, None)).mentions] == ["new"]
    empty = await serve(Api().app())
    assert (await connector(empty.url).fetch(session, {"seen": []})).mentions == []


async def test_a_wrong_key_is_an_auth_error(serve, session):
    server = await serve(Api().app())
    with pytest.raises(AuthError, match="API key"):
        await connector(server.url, key="wrong").fetch(session, None)


async def test_429_honours_retry_after(serve, session):
    async def limited(request):
        return web.json_response({"message": "Too Many Requests"}, status=429, headers={"Retry-After": "45"})
    server = await serve(Api().app(limited))
    with pytest.raises(RateLimited) as info:
        await connector(server.url).fetch(session, None)
    assert info.value.retry_after == 45


def test_options_need_a_unit():
    with pytest.raises(ValueError, match="business_unit_id or domain"):
        TrustpilotOptions(api_key=KEY)


@pytest.mark.parametrize("handler,error,message", FAULTS.values(), ids=FAULTS.keys())
async def test_faults(serve, session, handler, error, message):
    server = await serve(Api().app(handler))
    with pytest.raises(error, match=message):
        await connector(server.url).fetch(session, None)


async def test_what_a_customer_types_that_looks_like_markup_is_kept(serve, session):
    api = Api([review("5f3", 1, "Broken <again>", "I <3 the idea but it charges twice & a < b > c")])
    server = await serve(api.app())
    [m] = (await connector(server.url).fetch(session, None)).mentions
    assert m.text == "Broken <again>\nI <3 the idea but it charges twice & a < b > c"
