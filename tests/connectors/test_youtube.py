"""YouTube commentThreads against a local Data API: ETag/304, pageToken, quota errors in the body."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import web

from connectors.errors import AuthError, RateLimited
from connectors.youtube import YouTubeConnector, YouTubeOptions, seconds_to_pacific_midnight
from monitor.clock import FakeClock
from tests.connectors.faults import FAULTS, MAX_BYTES, TIMEOUT

NOW = datetime(2026, 8, 1, 14, 0, tzinfo=timezone.utc)
KEY = "AIzaSyFAKEKEY0123456789"


def stamp(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def thread(cid: str, text: str, minutes_ago: float = 5, video: str = "axepn8QqxRk", replies=()) -> dict:
    """The shape of the real capture in CONNECTORS.md."""
    comment = lambda i, t, ago, parent=None: {"id": i, "snippet": {  # noqa: E731
        "videoId": video, "textDisplay": t.replace("&", "&amp;"), "textOriginal": t,
        "authorDisplayName": "@DarshanRavalDZ", "authorChannelId": {"value": "UCzAn-hBNSTjX-QMnHASZFfA"},
        "likeCount": 21, "publishedAt": stamp(ago), "updatedAt": stamp(ago)} | ({"parentId": parent} if parent else {})}
    item = {"kind": "youtube#commentThread", "id": cid,
            "snippet": {"videoId": video, "topLevelComment": comment(cid, text, minutes_ago),
                        "canReply": False, "totalReplyCount": len(replies), "isPublic": True}}
    if replies:
        item["replies"] = {"comments": [comment(f"{cid}.r{i}", t, ago, cid) for i, (t, ago) in enumerate(replies)]}
    return item


def google_error(status: int, reason: str, message: str = "") -> web.Response:
    return web.json_response({"error": {"code": status, "message": message or reason,
                                        "errors": [{"message": message or reason, "domain": "youtube.quota", "reason": reason}]}},
                             status=status)


class DataApi:
    """Threads newest first (a pinned old one may lead), 100 a page, a stable ETag per content."""

    def __init__(self, threads: dict[str, list[dict]], errors: dict[str, web.Response] | None = None):
        self.threads, self.errors = threads, errors or {}
        self.requests: list[dict] = []

    async def comment_threads(self, request):
        q = request.query
        self.requests.append(dict(q) | {"If-None-Match": request.headers.get("If-None-Match")})
        if q.get("key") != KEY:
            return google_error(400, "keyInvalid", "API key not valid. Please pass a valid API key.")
        target = q.get("videoId") or q.get("allThreadsRelatedToChannelId")
        if target in self.errors:
            return self.errors[target]
        items = self.threads.get(target, [])
        etag = f'"etag-{len(items)}-{items[0]["id"] if items else ""}"'
        if request.headers.get("If-None-Match") == etag and "pageToken" not in q:
            return web.Response(status=304, headers={"ETag": etag})
        start = int(q.get("pageToken", "0"))
        page = items[start:start + int(q.get("maxResults", 20))]
        body = {"kind": "youtube#commentThreadListResponse", "etag": etag.strip('"'), "items": page,
                "pageInfo": {"totalResults": len(page), "resultsPerPage": len(page)}}
        if start + len(page) < len(items):
            body["nextPageToken"] = str(start + len(page))
        return web.json_response(body, headers={"ETag": etag})

    def app(self, handler=None):
        app = web.Application()
        app.router.add_get("/youtube/v3/commentThreads", handler or self.comment_threads)
        return app


def connector(url, clock=None, **extra):
    extra.setdefault("videos", ["axepn8QqxRk"])
    options = YouTubeOptions(base_url=url, api_key=KEY, max_bytes=MAX_BYTES, **extra)
    return YouTubeConnector("yt", options, brand_terms=["acme"], timeout=TIMEOUT, clock=clock or FakeClock(NOW))


async def test_threads_and_replies_are_normalised(serve, session):
    api = DataApi({"axepn8QqxRk": [thread("Ugx1", "Tu Meri & Ban Jaa 💙", replies=[("acme pls fix", 2)])]})
    server = await serve(api.app())
    batch = await connector(server.url).fetch(session, None)
    top, reply = batch.mentions
    assert top.text == "Tu Meri & Ban Jaa 💙" and top.url == "https://www.youtube.com/watch?v=axepn8QqxRk&lc=Ugx1"
    assert top.engagement == {"likes": 21, "replies": 1} and top.author.handle == "@DarshanRavalDZ"
    assert (reply.reply_to, reply.thread_id, reply.native_id) == ("Ugx1", "Ugx1", "Ugx1.r0")
    assert batch.quota == {"units_today": 1, "daily_quota": 10000}
    assert api.requests[0]["order"] == "time" and api.requests[0]["textFormat"] == "plainText"


async def test_an_unchanged_video_costs_a_304(serve, session):
    api = DataApi({"axepn8QqxRk": [thread("Ugx1", "hi")]})
    server = await serve(api.app())
    yt = connector(server.url)
    first = await yt.fetch(session, None)
    second = await yt.fetch(session, first.cursor)
    assert second.mentions == [] and api.requests[-1]["If-None-Match"] == '"etag-1-Ugx1"'
    assert second.cursor["targets"] == first.cursor["targets"] and second.quota["units_today"] == 2


async def test_a_pinned_old_comment_does_not_stop_paging_through_a_burst(serve, session):
    pinned = thread("pinned", "welcome", minutes_ago=60 * 24 * 90)
    api = DataApi({"axepn8QqxRk": [thread("old", "before", minutes_ago=60)]})
    server = await serve(api.app())
    yt = connector(server.url)
    cursor = (await yt.fetch(session, None)).cursor
    api.threads["axepn8QqxRk"] = [pinned] + [thread(f"n{i}", f"new {i}", minutes_ago=i / 100) for i in range(150)] \
        + [thread("old", "before", minutes_ago=60)]
    batch = await yt.fetch(session, cursor)
    ids = {m.native_id for m in batch.mentions}
    assert len(ids) == 150 and "n149" in ids and "pinned" not in ids, "the pinned one is history, not news"
    assert len(api.requests) == 1 + 2


async def test_paging_stops_at_a_page_older_than_the_watermark(serve, session):
    api = DataApi({"axepn8QqxRk": [thread(f"o{i}", "x", minutes_ago=10 + i) for i in range(300)]})
    server = await serve(api.app())
    yt = connector(server.url)
    cursor = (await yt.fetch(session, None)).cursor
    api.threads["axepn8QqxRk"].insert(0, thread("fresh", "x", minutes_ago=1))
    batch = await yt.fetch(session, cursor)
    assert [m.native_id for m in batch.mentions] == ["fresh"] and len(api.requests) == 1 + 2


async def test_an_empty_video(serve, session):
    server = await serve(DataApi({}).app())
    batch = await connector(server.url).fetch(session, None)
    assert batch.mentions == [] and "video:axepn8QqxRk" in batch.cursor["targets"]


async def test_quota_exceeded_waits_until_midnight_pacific(serve, session):
    server = await serve(DataApi({}, {"axepn8QqxRk": google_error(403, "quotaExceeded")}).app())
    with pytest.raises(RateLimited, match="midnight Pacific") as info:
        await connector(server.url).fetch(session, None)
    assert info.value.retry_after == seconds_to_pacific_midnight(NOW) == 17 * 3600  # 14:00 UTC is 07:00 PDT


async def test_429_rate_limit_exceeded_honours_retry_after(serve, session):
    limited = google_error(429, "rateLimitExceeded")
    limited.headers["Retry-After"] = "30"
    server = await serve(DataApi({}, {"axepn8QqxRk": limited}).app())
    with pytest.raises(RateLimited) as info:
        await connector(server.url).fetch(session, None)
    assert info.value.retry_after == 30


async def test_disabled_comments_skip_only_that_video(serve, session):
    api = DataApi({"UCchan": [thread("c1", "acme")]}, {"axepn8QqxRk": google_error(403, "commentsDisabled")})
    server = await serve(api.app())
    batch = await connector(server.url, channels=["UCchan"]).fetch(session, None)
    assert [m.native_id for m in batch.mentions] == ["c1"]
    assert batch.quota["skipped"] == {"video:axepn8QqxRk": "commentsDisabled"}


async def test_a_bad_key_is_an_auth_error_that_never_shows_the_key(serve, session):
    server = await serve(DataApi({}).app())
    options = YouTubeOptions(base_url=server.url, api_key="wrong", videos=["v"])
    with pytest.raises(AuthError, match="keyInvalid") as info:
        await YouTubeConnector("yt", options, timeout=TIMEOUT, clock=FakeClock(NOW)).fetch(session, None)
    assert "wrong" not in str(info.value)


async def test_require_terms_keeps_only_brand_comments(serve, session):
    server = await serve(DataApi({"axepn8QqxRk": [thread("a", "ACME broke"), thread("b", "nice song")]}).app())
    batch = await connector(server.url, require_terms=True).fetch(session, None)
    assert [m.native_id for m in batch.mentions] == ["a"]


def test_options_need_a_target():
    with pytest.raises(ValueError, match="at least one of videos or channels"):
        YouTubeOptions(api_key=KEY)


@pytest.mark.parametrize("handler,error,message", FAULTS.values(), ids=FAULTS.keys())
async def test_faults(serve, session, handler, error, message):
    server = await serve(DataApi({}).app(handler))
    with pytest.raises(error, match=message):
        await connector(server.url).fetch(session, None)
