"""Mastodon hashtag timeline against a local server with min_id paging, Link headers and ISO resets."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import web

from connectors.errors import BadResponse, RateLimited
from connectors.mastodon import MastodonConnector, MastodonOptions, max_id
from monitor.clock import FakeClock

NOW = datetime(2026, 8, 1, 14, 0, tzinfo=timezone.utc)


def status(sid: int, text: str, *, boost_of: dict | None = None, minutes_ago: int = 5) -> dict:
    post = {"id": str(sid), "uri": f"https://social.example/users/u{sid}/statuses/{sid}",
            "url": f"https://social.example/@u{sid}/{sid}", "created_at": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
            "content": f"<p>{text}</p>", "spoiler_text": "", "language": "fa", "reblog": boost_of,
            "account": {"id": "1", "acct": f"u{sid}@social.example", "display_name": f"U {sid}", "followers_count": sid},
            "replies_count": 1, "reblogs_count": 0, "favourites_count": 2}
    return post


class Instance:
    """Newest first; min_id gives the posts right after it; rel=prev points at newer ones."""

    def __init__(self, statuses, remaining=299):
        self.statuses = sorted(statuses, key=lambda s: -int(s["id"]))
        self.remaining = remaining
        self.requests = []

    async def tag(self, request: web.Request) -> web.Response:
        self.requests.append(dict(request.query))
        headers = {"x-ratelimit-limit": "300", "x-ratelimit-remaining": str(self.remaining),
                   "x-ratelimit-reset": (NOW + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")}
        if self.remaining == 0:
            return web.json_response({"error": "Too many requests"}, status=429, headers=headers)
        limit = int(request.query.get("limit", 20))
        if "min_id" in request.query:
            after = [s for s in self.statuses if int(s["id"]) > int(request.query["min_id"])]
            page = sorted(after, key=lambda s: int(s["id"]))[:limit]
            page.sort(key=lambda s: -int(s["id"]))
        else:
            page = self.statuses[:limit]
        if page:
            base = f"http://{request.host}{request.path}"
            headers["Link"] = (f'<{base}?max_id={page[-1]["id"]}>; rel="next", '
                               f'<{base}?min_id={page[0]["id"]}&limit={limit}>; rel="prev"')
        return web.json_response(page, headers=headers)


async def start(serve, instance):
    app = web.Application()
    app.router.add_get("/api/v1/timelines/tag/{tag}", instance.tag)
    return await serve(app)


def connector(url):
    return MastodonConnector("masto", MastodonOptions(instance=url, hashtag="acme"), timeout=2, clock=FakeClock(NOW))


async def test_posts_are_normalised_with_followers_and_boosts_unwrapped(serve, session):
    original = status(100, "سفارشم هنوز نرسیده")
    inst = Instance([status(99, "<b>late</b> again &amp; again"), {**status(101, ""), "reblog": original}])
    server = await start(serve, inst)
    batch = await connector(server.url).fetch(session, None)
    texts = {m.native_id: m for m in batch.mentions}
    boosted = texts["https://social.example/users/u100/statuses/100"]
    assert boosted.text == "سفارشم هنوز نرسیده" and boosted.author.followers == 100
    assert texts["https://social.example/users/u99/statuses/99"].text == "late again & again"
    assert batch.cursor == {"min_id": "101"}, "101 > 99 as integers"
    assert batch.quota == {"remaining": 299}


async def test_a_burst_larger_than_a_page_is_followed_through_rel_prev_without_gaps(serve, session):
    inst = Instance([status(1000 + i, f"acme {i}") for i in range(100)])
    server = await start(serve, inst)
    batch = await connector(server.url).fetch(session, {"min_id": "999"})
    assert len({m.native_id for m in batch.mentions}) == 100
    assert batch.cursor == {"min_id": "1099"}


async def test_an_empty_page_keeps_the_cursor(serve, session):
    server = await start(serve, Instance([status(5, "acme")]))
    batch = await connector(server.url).fetch(session, {"min_id": "5"})
    assert batch.mentions == [] and batch.cursor == {"min_id": "5"}


async def test_429_uses_the_iso_reset(serve, session):
    server = await start(serve, Instance([], remaining=0))
    with pytest.raises(RateLimited) as info:
        await connector(server.url).fetch(session, None)
    assert info.value.retry_after == 300


async def test_slows_down_before_the_quota_runs_out(serve, session):
    server = await start(serve, Instance([status(5, "acme")], remaining=3))
    batch = await connector(server.url).fetch(session, None)
    assert batch.retry_after == 300 and batch.quota == {"remaining": 3}


async def test_html_instead_of_json(serve, session):
    async def html(request):
        return web.Response(text="<html>public preview disabled</html>", content_type="text/html")
    app = web.Application()
    app.router.add_get("/api/v1/timelines/tag/{tag}", html)
    server = await serve(app)
    with pytest.raises(BadResponse, match="expected JSON"):
        await connector(server.url).fetch(session, None)


@pytest.mark.parametrize("current,candidate,expected", [("99", "100", "100"), ("100", "99", "100"), (None, "7", "7"),
                                                        ("5", "x", "5")])
def test_ids_compare_as_integers(current, candidate, expected):
    assert max_id(current, candidate) == expected
