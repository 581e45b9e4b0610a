"""A fake world speaking five sources' real dialects at once, for the mixed polling benchmark.

Each source id gets a few recent items that never change during the run, so the second round shows
what "nothing new" costs per kind: RSS and YouTube answer 304 to their validators; Hacker News,
Mastodon and Telegram previews have no conditional GET and answer in full (the cursor drops repeats).
"""
from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from aiohttp import web

from monitor.httpserve import serve as serve_app

# kind -> share of the sources; the order is how sources are numbered
MIX = {"rss": 0.4, "youtube": 0.15, "hackernews": 0.15, "mastodon": 0.15, "telegram_channel": 0.15}
ITEMS = 5
TEXT = "acme order {n} never arrived, still waiting for a refund"


def _stamp(t: float) -> datetime:
    return datetime.fromtimestamp(t, tz=timezone.utc)


def build_app(started: float) -> web.Application:
    times = [started - 600 + 60 * i for i in range(ITEMS)]   # minutes before the run, oldest first

    async def rss(request):
        n = request.match_info["n"]
        etag = f'"rss-{n}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        items = "".join(f"<item><guid>{n}-{i}</guid><title>{TEXT.format(n=i)}</title>"
                        f"<pubDate>{_stamp(t).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
                        for i, t in enumerate(times))
        return web.Response(text=f'<?xml version="1.0"?><rss version="2.0"><channel><title>s</title>{items}'
                                 f'</channel></rss>', content_type="application/rss+xml", headers={"ETag": etag})

    async def youtube(request):
        video = request.query.get("videoId", "")
        etag = f'"yt-{video}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        items = [{"kind": "youtube#commentThread", "id": f"{video}-{i}", "snippet": {
            "videoId": video, "totalReplyCount": 0, "isPublic": True, "topLevelComment": {"id": f"{video}-{i}", "snippet": {
                "videoId": video, "textDisplay": TEXT.format(n=i), "textOriginal": TEXT.format(n=i),
                "authorDisplayName": f"@viewer{i}", "authorChannelId": {"value": f"UC{i}"}, "likeCount": i,
                "publishedAt": _stamp(t).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "updatedAt": _stamp(t).strftime("%Y-%m-%dT%H:%M:%SZ")}}}} for i, t in reversed(list(enumerate(times)))]
        return web.json_response({"kind": "youtube#commentThreadListResponse", "etag": etag.strip('"'), "items": items,
                                  "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}},
                                 headers={"ETag": etag})

    async def hackernews(request):
        q = request.query.get("query", "")
        since = int(request.query.get("numericFilters", "created_at_i>0").split(">")[1])
        hits = [{"objectID": f"{q}-{i}", "author": f"hn{i}", "created_at_i": int(t), "created_at": _stamp(t).isoformat(),
                 "_tags": ["comment"], "comment_text": TEXT.format(n=i), "story_id": 1, "parent_id": 1, "points": None}
                for i, t in reversed(list(enumerate(times))) if int(t) > since]
        return web.json_response({"hits": hits, "nbPages": 1, "page": 0, "hitsPerPage": 100, "params": ""})

    async def mastodon(request):
        tag = request.match_info["tag"]
        floor = int(request.query.get("min_id", 0))
        page = [{"id": str(1000 + i), "uri": f"https://social.example/s/{tag}/{i}", "url": f"https://social.example/@u/{tag}{i}",
                 "created_at": _stamp(t).isoformat(), "content": f"<p>{TEXT.format(n=i)}</p>", "spoiler_text": "",
                 "language": "en", "reblog": None, "account": {"id": str(i), "acct": f"u{i}@social.example",
                                                               "display_name": f"U{i}", "followers_count": i},
                 "replies_count": 0, "reblogs_count": 0, "favourites_count": 0}
                for i, t in reversed(list(enumerate(times))) if 1000 + i > floor]
        headers = {"x-ratelimit-limit": "300", "x-ratelimit-remaining": "299",
                   "x-ratelimit-reset": _stamp(time.time() + 300).isoformat().replace("+00:00", "Z")}
        return web.Response(text=json.dumps(page), content_type="application/json", headers=headers)

    async def telegram(request):
        channel = request.match_info["channel"]
        posts = "".join(f"""<div class="tgme_widget_message_wrap"><div class="tgme_widget_message" data-post="{channel}/{i + 1}">
<div class="tgme_widget_message_text js-message_text" dir="auto">{TEXT.format(n=i)}</div>
<span class="tgme_widget_message_views">12</span><a class="tgme_widget_message_date" href="https://t.me/{channel}/{i + 1}">
<time datetime="{_stamp(t).isoformat()}" class="time">x</time></a></div></div>""" for i, t in enumerate(times))
        return web.Response(text=f'<html><body><section class="tgme_channel_history">{posts}</section></body></html>',
                            content_type="text/html")

    app = web.Application()
    app.router.add_get("/feed/{n}", rss)
    app.router.add_get("/youtube/v3/commentThreads", youtube)
    app.router.add_get("/api/v1/search_by_date", hackernews)
    app.router.add_get("/api/v1/timelines/tag/{tag}", mastodon)
    app.router.add_get("/s/{channel}", telegram)
    return app


def serve(port_queue) -> None:
    """Child-process entry: run the world on a free loopback port and report it."""
    async def main():
        _, url = await serve_app(build_app(time.time()), "127.0.0.1", 0)
        port_queue.put(urlsplit(url).port)
        await asyncio.Event().wait()
    asyncio.run(main())


def source_specs(n: int, port: int) -> list[tuple[str, str, dict]]:
    """(kind, name, options) for n sources split by MIX, all pointing at the world on `port`."""
    base = f"http://127.0.0.1:{port}"
    specs, i = [], 0
    for kind, share in MIX.items():
        count = round(n * share) if kind != list(MIX)[-1] else n - i
        for _ in range(count):
            options = {
                "rss": lambda: {"url": f"{base}/feed/{i}"},
                "youtube": lambda: {"base_url": base, "api_key": "bench-key", "videos": [f"vid{i:05d}"]},
                "hackernews": lambda: {"base_url": base, "query": f"acme{i}"},
                "mastodon": lambda: {"base_url": base, "instance": base, "hashtag": f"acme{i}"},
                "telegram_channel": lambda: {"base_url": base, "channel": f"acme{i:05d}"},
            }[kind]()
            specs.append((kind, f"{kind}-{i}", options))
            i += 1
    return specs
