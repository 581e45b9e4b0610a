"""Reddit against a local server: listings, app-only OAuth, the 403 'blocked' page, float quota headers."""
from __future__ import annotations

import base64
from datetime import datetime, timezone

import pytest
from aiohttp import web
from pydantic import SecretStr

from connectors.errors import AuthError, BadResponse, TransientError
from connectors.reddit import RedditConnector, RedditOptions
from monitor.clock import FakeClock

NOW = datetime(2026, 6, 3, 12, 0, tzinfo=timezone.utc)
BLOCKED = ("<!doctype html><html><head><title>Blocked</title></head><body>whoa there, pardner! Your request "
           "has been blocked due to a network policy.</body></html>")


def post(n: int, title: str, created: float | None = None) -> dict:
    return {"kind": "t3", "data": {"id": f"p{n}", "name": f"t3_p{n}", "author": f"user{n}", "title": title,
                                   "selftext": "", "created_utc": created or NOW.timestamp() - 600,
                                   "permalink": f"/r/acme/comments/p{n}/x/", "subreddit": "acme", "score": 3,
                                   "num_comments": 1}}


def listing(children: list[dict]) -> dict:
    return {"kind": "Listing", "data": {"after": None, "before": None, "dist": len(children), "children": children}}


class Reddit:
    def __init__(self, children, blocked=False):
        self.children, self.blocked, self.requests, self.tokens = children, blocked, [], 0

    async def search(self, request: web.Request) -> web.Response:
        self.requests.append((request.path, dict(request.query), request.headers.get("Authorization")))
        if self.blocked and "Authorization" not in request.headers:
            return web.Response(status=403, text=BLOCKED, content_type="text/html")
        before = request.query.get("before")
        names = [c["data"]["name"] for c in self.children]
        page = self.children[:names.index(before)] if before in names else ([] if before else self.children)
        return web.json_response(listing(page), headers={"x-ratelimit-remaining": "997.0",
                                                          "x-ratelimit-reset": "247", "x-ratelimit-used": "3"})

    async def token(self, request: web.Request) -> web.Response:
        expected = "Basic " + base64.b64encode(b"app-id:app-secret").decode()
        if request.headers.get("Authorization") != expected:
            return web.json_response({"error": 401}, status=401)
        self.tokens += 1
        return web.json_response({"access_token": "tok", "token_type": "bearer", "expires_in": 3600, "scope": "*"})


async def start(serve, reddit):
    app = web.Application()
    app.router.add_get("/search.json", reddit.search)
    app.router.add_get("/search", reddit.search)
    app.router.add_post("/api/v1/access_token", reddit.token)
    return await serve(app)


def connector(url, **kw):
    return RedditConnector("reddit", RedditOptions(base_url=url, query="acme", **kw), brand_terms=["acme"],
                           timeout=2, clock=FakeClock(NOW))


async def test_site_search_is_normalised_with_quota(serve, session):
    reddit = Reddit([post(2, "Acme lost my order"), post(1, "unrelated cats")])
    server = await start(serve, reddit)
    batch = await connector(server.url).fetch(session, None)
    [m] = batch.mentions
    assert m.native_id == "t3_p2" and m.url == "https://www.reddit.com/r/acme/comments/p2/x/"
    assert batch.quota == {"remaining": 997.0, "reset_in": 247.0} and batch.retry_after is None
    assert reddit.requests[0][1]["raw_json"] == "1"
    assert batch.cursor["before"] == "t3_p2"


async def test_the_blocked_page_is_named_and_oauth_gets_through(serve, session):
    reddit = Reddit([post(1, "acme refund please")], blocked=True)
    server = await start(serve, reddit)
    with pytest.raises(AuthError, match="blocked"):
        await connector(server.url).fetch(session, None)
    c = connector(server.url, client_id="app-id", client_secret=SecretStr("app-secret"), oauth_url=server.url)
    batch = await c.fetch(session, None)
    await c.fetch(session, batch.cursor)
    assert [m.native_id for m in batch.mentions] == ["t3_p1"]
    assert reddit.tokens == 1, "the token is cached, not fetched each poll"
    assert reddit.requests[-1][0] == "/search" and reddit.requests[-1][2] == "bearer tok"


async def test_a_cursor_at_a_deleted_item_falls_back_to_the_newest_page(serve, session):
    reddit = Reddit([post(3, "acme three"), post(2, "acme two")])
    server = await start(serve, reddit)
    batch = await connector(server.url).fetch(session, {"before": "t3_deleted", "seen": ["t3_p2"]})
    assert [m.native_id for m in batch.mentions] == ["t3_p3"]


async def test_new_items_only_after_the_cursor(serve, session):
    reddit = Reddit([post(3, "acme three"), post(2, "acme two")])
    server = await start(serve, reddit)
    batch = await connector(server.url).fetch(session, {"before": "t3_p2", "seen": ["t3_p2"]})
    assert [m.native_id for m in batch.mentions] == ["t3_p3"]


@pytest.mark.parametrize("status,body,ctype,error", [
    (503, "down", "text/plain", TransientError), (200, "<html>hi</html>", "text/html", BadResponse),
    (200, '{"kind": "Listing", "data": {', "application/json", BadResponse)],
    ids=["5xx", "html instead of json", "truncated json"])
async def test_failures(serve, session, status, body, ctype, error):
    async def handler(request):
        return web.Response(status=status, text=body, content_type=ctype)
    app = web.Application()
    app.router.add_get("/search.json", handler)
    server = await serve(app)
    with pytest.raises(error):
        await connector(server.url).fetch(session, None)
