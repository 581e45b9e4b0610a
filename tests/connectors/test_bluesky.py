"""Bluesky searchPosts against a local PDS speaking XRPC: sessions, ratelimit-* headers, error bodies."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import web

from connectors.bluesky import BlueskyConnector, BlueskyOptions
from connectors.errors import AuthError, RateLimited
from monitor.clock import FakeClock
from tests.connectors.faults import FAULTS, MAX_BYTES, TIMEOUT

NOW = datetime(2026, 8, 1, 14, 0, tzinfo=timezone.utc)
PASSWORD = "abcd-efgh-ijkl-mnop"


def jwt(exp: datetime, n: int) -> str:
    part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{part({'alg': 'ES256K'})}.{part({'exp': int(exp.timestamp()), 'n': n})}.sig"


def post(n: int, text: str, *, minutes_ago: float = 5, did: str = "did:plc:niay7ajcptgklwrhknvnhk44") -> dict:
    """The real postView captured in CONNECTORS.md, cloned with another rkey and text."""
    when = (NOW - timedelta(minutes=minutes_ago)).isoformat().replace("+00:00", "Z")
    return {"uri": f"at://{did}/app.bsky.feed.post/3lhjnkjle5s{n:03d}", "cid": f"bafyrei{n}",
            "author": {"did": did, "handle": "theferrarilab.bsky.social", "displayName": "The Ferrari Lab", "labels": []},
            "record": {"$type": "app.bsky.feed.post", "createdAt": when, "langs": ["fa"], "text": text},
            "replyCount": 1, "repostCount": 7, "likeCount": 9, "quoteCount": 0, "indexedAt": when, "labels": []}


class Pds:
    def __init__(self, posts=(), remaining=2999, clock=None):
        self.clock = clock or FakeClock(NOW)
        self.posts = sorted(posts, key=lambda p: p["indexedAt"], reverse=True)
        self.remaining = remaining
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.calls: dict[str, int] = {}
        self.searches: list[dict] = []
        self.issued = 0

    def _count(self, name):
        self.calls[name] = self.calls.get(name, 0) + 1

    def _tokens(self):
        self.issued += 1
        access, refresh = jwt(self.clock.now() + timedelta(hours=2), self.issued), f"refresh-{self.issued}"
        self.access, self.refresh = {access}, {refresh}
        return web.json_response({"did": "did:plc:me", "handle": "acme.bsky.social",
                                  "accessJwt": access, "refreshJwt": refresh})

    async def create(self, request):
        self._count("createSession")
        body = await request.json()
        if body.get("password") != PASSWORD:
            return web.json_response({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, status=401)
        return self._tokens()

    async def refresh_session(self, request):
        self._count("refreshSession")
        if request.headers.get("Authorization", "")[7:] not in self.refresh:
            return web.json_response({"error": "ExpiredToken", "message": "Token has been revoked"}, status=400)
        return self._tokens()

    def _authorised(self, request) -> bool:
        return request.headers.get("Authorization", "")[7:] in self.access

    def _limits(self):
        return {"ratelimit-limit": "3000", "ratelimit-remaining": str(self.remaining),
                "ratelimit-reset": str(int(NOW.timestamp()) + 120), "ratelimit-policy": "3000;w=300"}

    async def search(self, request):
        self._count("searchPosts")
        self.searches.append(dict(request.query))
        if not self._authorised(request):
            return web.json_response({"error": "ExpiredToken", "message": "Token has expired"}, status=400)
        if self.remaining == 0:
            return web.json_response({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                                     status=429, headers=self._limits())
        since = request.query.get("since", "")
        hits = [p for p in self.posts if p["indexedAt"] >= since]
        offset, limit = int(request.query.get("cursor", 0)), int(request.query.get("limit", 25))
        page = hits[offset:offset + limit]
        body = {"posts": page} | ({"cursor": str(offset + limit)} if offset + limit < len(hits) else {})
        return web.json_response(body, headers=self._limits())

    async def profiles(self, request):
        self._count("getProfiles")
        return web.json_response({"profiles": [{"did": d, "handle": "x", "followersCount": 1234}
                                               for d in request.query.getall("actors")]})

    def app(self, search=None) -> web.Application:
        app = web.Application()
        app.router.add_post("/xrpc/com.atproto.server.createSession", self.create)
        app.router.add_post("/xrpc/com.atproto.server.refreshSession", self.refresh_session)
        app.router.add_get("/xrpc/app.bsky.feed.searchPosts", search or self.search)
        app.router.add_get("/xrpc/app.bsky.actor.getProfiles", self.profiles)
        return app


def connector(url, clock=None, password=PASSWORD, **extra):
    options = BlueskyOptions(base_url=url, identifier="acme.bsky.social", app_password=password,
                             max_bytes=MAX_BYTES, **extra)
    return BlueskyConnector("bsky", options, brand_terms=["acme", "آکمه"], timeout=TIMEOUT, clock=clock or FakeClock(NOW))


async def test_posts_are_normalised_with_followers_joined(serve, session):
    reply = post(2, "آکمه سفارشم رو نفرستاد")
    reply["record"]["reply"] = {"root": {"uri": "at://did:plc:a/app.bsky.feed.post/root"},
                                "parent": {"uri": "at://did:plc:a/app.bsky.feed.post/parent"}}
    pds = Pds([post(1, "acme support is slow"), reply])
    server = await serve(pds.app())
    batch = await connector(server.url).fetch(session, None)
    by_id = {m.native_id: m for m in batch.mentions}
    m = by_id["at://did:plc:niay7ajcptgklwrhknvnhk44/app.bsky.feed.post/3lhjnkjle5s001"]
    assert m.url == "https://bsky.app/profile/theferrarilab.bsky.social/post/3lhjnkjle5s001"
    assert (m.author.handle, m.author.followers, m.lang) == ("theferrarilab.bsky.social", 1234, "fa")
    assert m.engagement == {"likeCount": 9, "repostCount": 7, "replyCount": 1, "quoteCount": 0}
    assert m.published_at == NOW - timedelta(minutes=5)
    r = by_id[reply["uri"]]
    assert r.reply_to.endswith("/parent") and r.thread_id.endswith("/root")
    assert set(batch.cursor["since"]) == {"acme", "آکمه"} and batch.quota["remaining"] == 2999


async def test_the_session_is_cached_then_refreshed_never_recreated_each_poll(serve, session):
    clock = FakeClock(NOW)
    pds = Pds([post(1, "acme down")], clock=clock)
    server = await serve(pds.app())
    bsky = connector(server.url, clock)
    cursor = (await bsky.fetch(session, None)).cursor
    cursor = (await bsky.fetch(session, cursor)).cursor
    assert pds.calls["createSession"] == 1 and "refreshSession" not in pds.calls
    clock.advance(2 * 3600)                       # the access token's exp has passed
    await bsky.fetch(session, cursor)
    assert pds.calls["createSession"] == 1 and pds.calls["refreshSession"] == 1


async def test_a_revoked_access_token_is_refreshed_and_the_call_retried(serve, session):
    pds = Pds([post(1, "acme down")])
    server = await serve(pds.app())
    bsky = connector(server.url)
    await bsky.fetch(session, None)
    pds.access.clear()                            # the PDS now answers ExpiredToken
    batch = await bsky.fetch(session, None)
    assert len(batch.mentions) == 1 and pds.calls["refreshSession"] == 1 and pds.calls["createSession"] == 1


async def test_a_refused_refresh_falls_back_to_one_new_login(serve, session):
    pds = Pds([post(1, "acme down")])
    server = await serve(pds.app())
    bsky = connector(server.url)
    await bsky.fetch(session, None)
    pds.access.clear()
    pds.refresh.clear()
    await bsky.fetch(session, None)
    assert pds.calls["createSession"] == 2


async def test_a_wrong_app_password_is_an_auth_error_that_never_shows_it(serve, session):
    server = await serve(Pds().app())
    with pytest.raises(AuthError, match="check the app password") as info:
        await connector(server.url, password="wrong-pass-word-here").fetch(session, None)
    assert "wrong-pass" not in str(info.value)


async def test_the_overlap_window_refetches_but_never_realerts(serve, session):
    pds = Pds([post(1, "acme down")])
    server = await serve(pds.app())
    bsky = connector(server.url)
    first = await bsky.fetch(session, None)
    second = await bsky.fetch(session, first.cursor)
    assert len(first.mentions) == 1 and second.mentions == []
    assert pds.searches[-1]["since"] == "2026-08-01T13:53:00Z", "newest indexedAt minus the 2 minute overlap"


async def test_a_burst_larger_than_one_page_is_paged_through(serve, session):
    pds = Pds([post(i, f"acme outage #{i}", minutes_ago=i / 10) for i in range(250)])
    server = await serve(pds.app())
    batch = await connector(server.url, searches=["acme"]).fetch(session, None)
    assert len(batch.mentions) == 250 and pds.calls["searchPosts"] == 3


async def test_an_empty_result_keeps_nothing_and_moves_no_cursor(serve, session):
    server = await serve(Pds().app())
    batch = await connector(server.url, searches=["acme"]).fetch(session, {"since": {"acme": "2026-08-01T13:00:00Z"}})
    assert batch.mentions == [] and batch.cursor["since"] == {"acme": "2026-08-01T13:00:00Z"}


async def test_fuzzy_hits_old_posts_and_future_timestamps_are_handled(serve, session):
    future = post(3, "acme charged me twice", minutes_ago=1)
    future["record"]["createdAt"] = "2027-01-01T00:00:00Z"     # a client with a wrong clock
    pds = Pds([post(1, "acmeish gadget review"), post(2, "acme from last week", minutes_ago=60 * 24 * 7), future])
    pds.posts.append(pds.posts.pop(1))                          # the old one is returned too (ignores since)
    server = await serve(pds.app(search=_ignores_since(pds)))
    batch = await connector(server.url, searches=["acme"]).fetch(session, None)
    assert [m.text for m in batch.mentions] == ["acme charged me twice"]
    assert batch.mentions[0].published_at == NOW - timedelta(minutes=1)


def _ignores_since(pds: Pds):
    async def search(request):
        return web.json_response({"posts": pds.posts}, headers=pds._limits()) if pds._authorised(request) \
            else web.json_response({"error": "ExpiredToken"}, status=400)
    return search


async def test_429_waits_for_the_epoch_reset(serve, session):
    server = await serve(Pds(remaining=0).app())
    with pytest.raises(RateLimited) as info:
        await connector(server.url).fetch(session, None)
    assert info.value.retry_after == 120


async def test_slows_down_when_few_requests_are_left(serve, session):
    server = await serve(Pds([post(1, "acme")], remaining=3).app())
    batch = await connector(server.url, searches=["acme"]).fetch(session, None)
    assert batch.retry_after == 120 and batch.quota["remaining"] == 3


async def test_administrative_refusal_in_plain_text_is_named(serve, session):
    async def refused(request):
        return web.Response(status=403, text="Request forbidden by administrative rules.")
    server = await serve(Pds().app(search=refused))
    with pytest.raises(AuthError, match="forbidden by administrative rules"):
        await connector(server.url).fetch(session, None)


@pytest.mark.parametrize("handler,error,message", FAULTS.values(), ids=FAULTS.keys())
async def test_faults(serve, session, handler, error, message):
    server = await serve(Pds().app(search=handler))
    with pytest.raises(error, match=message):
        await connector(server.url, searches=["acme"]).fetch(session, None)
