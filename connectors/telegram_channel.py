"""Telegram public channel previews (t.me/s/<channel>): no token, HTML parsed with the stdlib.

Each post is a div.tgme_widget_message with data-post="<channel>/<id>", its text in
.tgme_widget_message_text, its time in <time datetime>, views in .tgme_widget_message_views.
The cursor is the newest post id seen; the markup drifts, so a page with no posts at all where
posts were expected is reported rather than silently read as "nothing new".
"""
from __future__ import annotations

from html.parser import HTMLParser

from pydantic import Field

from connectors.base import Connector, ConnectorOptions
from connectors.errors import BadResponse
from connectors.http import request
from monitor.clock import parse_iso
from monitor.models import Author, Batch, Mention

WEB = "https://t.me"


class TelegramChannelOptions(ConnectorOptions):
    channel: str = Field(pattern=r"^[A-Za-z0-9_]{3,64}$")
    require_terms: bool = True    # a public channel talks about many things; keep posts naming the brand


class TelegramChannelConnector(Connector):
    kind = "telegram_channel"
    Options = TelegramChannelOptions

    async def fetch(self, session, cursor):
        last_id = int((cursor or {}).get("last_id", 0))
        url = f"{(self.options.base_url or WEB).rstrip('/')}/s/{self.options.channel}"
        resp = await request(session, "GET", url, timeout=self.timeout, max_bytes=self.options.max_bytes)
        if resp.content_type != "text/html":
            raise BadResponse(f"expected the channel's HTML preview, got {resp.content_type}")
        parser = _PreviewParser()
        parser.feed(resp.text())
        if not parser.posts and "tgme_channel_info" not in parser.classes_seen:
            raise BadResponse("no channel preview on the page (previews disabled, or the markup changed)")
        mentions, newest = [], last_id
        for post in parser.posts:
            post_id = post["id"]
            newest = max(newest, post_id)
            if post_id <= last_id or not post["text"]:
                continue
            published = parse_iso(post["time"]) or self.clock.now()
            if not last_id and self.too_old(published, None):
                continue
            if not self.keeps(post["text"]):
                continue
            mentions.append(Mention(
                source=self.name, native_id=f"{self.options.channel}/{post_id}", text=post["text"],
                url=f"https://t.me/{self.options.channel}/{post_id}", published_at=published,
                author=Author(handle=self.options.channel, name=post["author"] or self.options.channel),
                kind=self.kind, fetched_at=self.clock.now(),
                engagement={"views": post["views"]} if post["views"] is not None else {},
            ))
        return Batch(mentions, {"last_id": newest})


class _PreviewParser(HTMLParser):
    """Collects posts: id, text (HTML kept until the end of its div, then flattened), time, views."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.posts: list[dict] = []
        self.classes_seen: set[str] = set()
        self._text_depth = 0      # >0 while inside .tgme_widget_message_text
        self._text_parts: list[str] = []
        self._grab: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        self.classes_seen |= classes
        if tag == "div" and "tgme_widget_message" in classes and a.get("data-post"):
            post_id = a["data-post"].rsplit("/", 1)[-1]
            if post_id.isdigit():
                self.posts.append({"id": int(post_id), "text": "", "time": None, "views": None, "author": ""})
        if not self.posts:
            return
        if self._text_depth:
            self._text_depth += tag == "div"
            self._text_parts.append("\n" if tag == "br" else "")
        elif tag == "div" and "tgme_widget_message_text" in classes:
            self._text_depth = 1
            self._text_parts = []
        elif tag == "time" and a.get("datetime"):
            self.posts[-1]["time"] = a["datetime"]
        elif "tgme_widget_message_views" in classes:
            self._grab = "views"
        elif "tgme_widget_message_from_author" in classes:
            self._grab = "author"

    def handle_endtag(self, tag):
        if self._text_depth and tag == "div":
            self._text_depth -= 1
            if not self._text_depth:
                self.posts[-1]["text"] = _tidy("".join(self._text_parts))
        elif self._grab and tag in ("span", "a"):
            self._grab = None

    def handle_data(self, data):
        if self._text_depth:
            self._text_parts.append(data)
        elif self._grab == "views":
            self.posts[-1]["views"] = _views(data)
        elif self._grab == "author":
            self.posts[-1]["author"] += data.strip()


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\x00", "").splitlines())
    return "\n".join(line for line in lines if line)


def _views(text: str) -> int | None:
    """'1.2K' -> 1200, '3M' -> 3000000."""
    text = text.strip().upper()
    scale = {"K": 1_000, "M": 1_000_000}.get(text[-1:], 1)
    try:
        return int(float(text.rstrip("KM")) * scale)
    except ValueError:
        return None
