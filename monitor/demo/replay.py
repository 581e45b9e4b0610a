"""The bundled demo: a local server that replays brand mentions over time in a real wire format.

It serves three real wire formats, revealing each item when its time comes: a Google Alerts style
Atom feed at /feeds/<name>.atom (with ETag, so the RSS connector's conditional GET is exercised),
the Telegram Bot API's getUpdates for a support group (offsets confirm updates, as Telegram does),
and a Mastodon hashtag timeline (/api/v1/timelines/tag/<tag>, min_id paging with Link headers).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import yaml
from aiohttp import web

from monitor.clock import SystemClock, iso
from monitor.httpserve import serve

MENTIONS_FILE = Path(__file__).with_name("mentions.yaml")


@dataclass
class DemoItem:
    id: str
    at: float
    ago: float
    author: str
    lang: str
    text: str
    via: str = "alerts"
    reply_to: str | None = None


def load_items(path: Path = MENTIONS_FILE) -> list[DemoItem]:
    return [DemoItem(**row) for row in yaml.safe_load(path.read_text(encoding="utf-8"))]


class ReplayServer:
    def __init__(self, items: list[DemoItem] | None = None, clock=None, speed: float = 1.0):
        self.items = items if items is not None else load_items()
        self.clock = clock or SystemClock()
        self.speed = speed
        self.started: datetime | None = None
        self.runner: web.AppRunner | None = None
        self.url = ""

    def visible(self) -> list[DemoItem]:
        elapsed = (self.clock.now() - self.started).total_seconds() * self.speed
        return [i for i in self.items if i.at <= elapsed]

    def published(self, item: DemoItem) -> datetime:
        return self.started + timedelta(seconds=item.at / self.speed) - timedelta(minutes=item.ago)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application()
        app.router.add_get("/feeds/{name}.atom", self._atom)
        app.router.add_get("/bot{token}/getUpdates", self._telegram)
        app.router.add_get("/api/v1/timelines/tag/{tag}", self._mastodon)
        self.runner, self.url = await serve(app, host, port)
        self.started = self.clock.now()
        return self.url

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    async def _telegram(self, request: web.Request) -> web.Response:
        offset = int(request.query.get("offset", 0))
        updates = [self._update(n, i) for n, i in enumerate(self.items)
                   if i.via == "telegram" and i in self.visible() and 1000 + n >= offset]
        return web.json_response({"ok": True, "result": updates})

    def _update(self, n: int, item: DemoItem) -> dict:
        chat = {"id": -1001000000001, "title": "پشتیبانی آکمه | Acme support", "type": "supergroup",
                "username": "acme_support_group"}
        sender = {"id": 5000 + n, "is_bot": False, "first_name": item.author, "username": item.author}
        message = {"message_id": 100 + n, "from": sender, "chat": chat,
                   "date": int(self.published(item).timestamp()), "text": item.text}
        if item.reply_to:
            original = next(i for i, other in enumerate(self.items) if other.id == item.reply_to)
            message["reply_to_message"] = {"message_id": 100 + original, "chat": chat}
        return {"update_id": 1000 + n, "message": message}

    async def _mastodon(self, request: web.Request) -> web.Response:
        """Newest first, ids as decimal strings; min_id asks for what came after it."""
        floor = int(request.query.get("min_id", 0) or 0)
        posts = [self._status(n, i) for n, i in enumerate(self.items)
                 if i.via == "mastodon" and i in self.visible() and 2000 + n > floor]
        posts.sort(key=lambda p: -int(p["id"]))
        headers = {}
        if posts:
            base = f"{self.url}{request.path}"
            headers["Link"] = f'<{base}?max_id={posts[-1]["id"]}>; rel="next", <{base}?min_id={posts[0]["id"]}>; rel="prev"'
        return web.json_response(posts, headers=headers)

    def _status(self, n: int, item: DemoItem) -> dict:
        sid = str(2000 + n)
        return {"id": sid, "uri": f"https://social.example/users/{item.author}/statuses/{sid}",
                "url": f"https://social.example/@{item.author}/{sid}", "created_at": iso(self.published(item)),
                "content": f"<p>{escape(item.text)}</p>", "spoiler_text": "", "language": item.lang, "reblog": None,
                "in_reply_to_id": None, "account": {"id": str(3000 + n), "acct": f"{item.author}@social.example",
                                                    "display_name": item.author, "followers_count": 120 + 37 * n},
                "replies_count": 0, "reblogs_count": n % 3, "favourites_count": n % 5}

    async def _atom(self, request: web.Request) -> web.Response:
        items = [i for i in self.visible() if i.via == "alerts"]
        body = self.atom(items).encode()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="application/atom+xml", charset="utf-8",
                            headers={"ETag": etag})

    def atom(self, items: list[DemoItem]) -> str:
        entries = "".join(self._entry(i) for i in reversed(items))
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">'
                '<id>tag:google.com,2005:reader/user/0/state/com.google/alerts/demo</id>'
                f'<title>Google Alert - Acme</title><updated>{iso(self.clock.now())}</updated>{entries}</feed>')

    def _entry(self, item: DemoItem) -> str:
        target = f"https://social.example/{item.author}/posts/{item.id}"
        link = escape(f"https://www.google.com/url?rct=j&sa=t&url={target}&ct=ga&cd=CAIyDemo&usg=AFQjCNDemo")
        published = iso(self.published(item))
        # Google Alerts highlights the search term with <b>, HTML-escaped inside the content.
        content = escape(escape(item.text).replace("Acme", "<b>Acme</b>"))
        return (f'<entry><id>tag:google.com,2013:googlealerts/feed:{item.id}</id>'
                f'<title type="html">{content}</title>'
                f'<link href="{link}"></link><published>{published}</published><updated>{published}</updated>'
                f'<content type="html" xml:lang="{item.lang}">{content}</content>'
                f'<author><name>{escape(item.author)}</name></author></entry>')
