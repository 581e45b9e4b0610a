"""X API v2 recent search against a local server: since_id, next_token drained, includes.users, caps."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import web
from pydantic import SecretStr

from connectors.errors import AuthError, BadResponse, RateLimited
from connectors.x import XConnector, XOptions
from monitor.clock import FakeClock

NOW = datetime(2026, 10, 7, 22, 45, tzinfo=timezone.utc)


def tweet(i: int) -> dict:
    return {"id": str(1578516068309794817 + i), "text": f"@acme flight {i} delayed again", "author_id": str(i % 3),
            "created_at": (NOW - timedelta(minutes=5)).isoformat().replace("+00:00", "Z"), "lang": "en",
            "public_metrics": {"retweet_count": 0, "reply_count": 1, "like_count": 2, "quote_count": 0}}


class Api:
    def __init__(self, tweets, per_page=100):
        self.tweets = sorted(tweets, key=lambda t: -int(t["id"]))
        self.per_page, self.requests = per_page, []

    async def search(self, request: web.Request) -> web.Response:
        self.requests.append(dict(request.query))
        assert request.headers["Authorization"] == "Bearer bt"
        headers = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "448", "x-rate-limit-reset": "1665183229"}
        since = int(request.query.get("since_id", 0))
        matching = [t for t in self.tweets if int(t["id"]) > since]
        start = int(request.query.get("next_token", "0"))
        page = matching[start:start + self.per_page]
        if not page:
            return web.json_response({"meta": {"result_count": 0}}, headers=headers)
        meta = {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"], "result_count": len(page)}
        if start + self.per_page < len(matching):
            meta["next_token"] = str(start + self.per_page)
        users = [{"id": str(u), "username": f"user{u}", "name": f"User {u}", "public_metrics": {"followers_count": 10 ** u}}
                 for u in range(3)]
        return web.json_response({"data": page, "includes": {"users": users}, "meta": meta}, headers=headers)


async def start(serve, handler):
    app = web.Application()
    app.router.add_get("/2/tweets/search/recent", handler)
    return await serve(app)


def connector(url, cap=10_000):
    return XConnector("x", XOptions(base_url=url, bearer_token=SecretStr("bt"), query="acme", monthly_cap=cap),
                      timeout=2, clock=FakeClock(NOW))


async def test_pages_are_drained_before_the_cursor_moves_to_the_first_newest_id(serve, session):
    api = Api([tweet(i) for i in range(250)])
    server = await start(serve, api.search)
    batch = await connector(server.url).fetch(session, {"since_id": "1"})
    assert len({m.native_id for m in batch.mentions}) == 250
    assert batch.cursor["since_id"] == tweet(249)["id"], "the first page's newest id"
    assert [r.get("next_token") for r in api.requests] == [None, "100", "200"]
    m = next(m for m in batch.mentions if m.native_id == tweet(4)["id"])
    assert m.author.handle == "user1" and m.author.followers == 10 and m.url.endswith(f"/user1/status/{tweet(4)['id']}")
    assert batch.quota["used_this_month"] == 250 and batch.quota["remaining"] == 448


async def test_an_empty_page_has_no_newest_id_and_keeps_the_cursor(serve, session):
    server = await start(serve, Api([]).search)
    batch = await connector(server.url).fetch(session, {"since_id": "99", "month": "2026-10", "used": 5})
    assert batch.mentions == [] and batch.cursor["since_id"] == "99"


async def test_the_monthly_cap_stops_polling_and_is_visible(serve, session):
    api = Api([tweet(i) for i in range(250)])
    server = await start(serve, api.search)
    batch = await connector(server.url, cap=150).fetch(session, {"since_id": "1"})
    assert batch.quota["used_this_month"] == 200 and len(api.requests) == 2
    with pytest.raises(RateLimited, match="monthly post cap"):
        await connector(server.url, cap=150).fetch(session, batch.cursor)


async def too_many(request):
    return web.json_response({"errors": [{"code": 88, "message": "Rate limit exceeded"}]}, status=429,
                             headers={"x-rate-limit-reset": str(int(NOW.timestamp()) + 600)})


async def unauthorized(request):
    return web.json_response({"title": "Unauthorized", "status": 401}, status=401)


async def html(request):
    return web.Response(text="<html>oops</html>", content_type="text/html")


@pytest.mark.parametrize("handler,error", [(too_many, RateLimited), (unauthorized, AuthError), (html, BadResponse)],
                         ids=["429 with epoch reset", "401", "html instead of json"])
async def test_failures(serve, session, handler, error):
    server = await start(serve, handler)
    with pytest.raises(error) as info:
        await connector(server.url).fetch(session, None)
    if error is RateLimited:
        assert info.value.retry_after == 600
