"""RSS and Atom feeds, Google Alerts among them: conditional GET, redirect links unwrapped, ids deduplicated.

feedparser does the parsing (it knows every RSS and Atom dialect and their broken variants);
aiohttp does the fetching, because feedparser's own fetching is synchronous.
"""
from __future__ import annotations

import calendar
import json
from datetime import datetime, timezone
from typing import Any
from xml.sax import SAXParseException
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import feedparser
from pydantic import Field

from connectors.base import Connector, ConnectorOptions
from connectors.errors import BadResponse
from connectors.http import request
from connectors.text import html_to_text
from monitor.models import RAW_CAP, Author, Batch, Mention

SEEN_CAP = 1000           # entry ids remembered in the cursor; feeds show ~20-100 entries
_TRACKING = {"ct", "cd", "usg", "sa", "rct", "ved", "utm_source", "utm_medium", "utm_campaign"}


class RssOptions(ConnectorOptions):
    url: str = Field(min_length=1)
    require_terms: bool = False   # keep only entries naming the brand (for forums, not Google Alerts)


class RssConnector(Connector):
    kind = "rss"
    Options = RssOptions

    async def fetch(self, session, cursor):
        cursor = dict(cursor or {})
        headers = {"Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.1"}
        if cursor.get("etag"):
            headers["If-None-Match"] = cursor["etag"]
        if cursor.get("modified"):
            headers["If-Modified-Since"] = cursor["modified"]
        resp = await request(session, "GET", self.options.base_url or self.options.url, headers=headers,
                             timeout=self.timeout, max_bytes=self.options.max_bytes)
        if resp.status == 304:
            return Batch([], cursor, quota={"not_modified": True})
        feed = _parse(resp)
        seen = list(cursor.get("seen", []))
        known = set(seen)
        mentions = []
        for entry in feed.entries:
            mention = self._mention(entry, feed)
            if mention.native_id in known:
                continue
            known.add(mention.native_id)
            seen.append(mention.native_id)
            if self.too_old(mention.published_at, cursor):
                continue
            if not self.keeps(mention.text):
                continue
            mentions.append(mention)
        cursor.update(seen=seen[-SEEN_CAP:], etag=resp.headers.get("ETag"),
                      modified=resp.headers.get("Last-Modified"))
        return Batch(mentions, cursor)

    def _mention(self, entry, feed) -> Mention:
        link = unwrap_redirect(entry.get("link", ""))
        native_id = entry.get("id") or link or entry.get("title", "")
        title = html_to_text(entry.get("title", ""))
        body = html_to_text(_content(entry))
        # An item may have no title (RSS 2.0 needs a title or a description; Mastodon's feeds have none):
        # every text starts with "", so the prefix check only counts when there is a title. A body that
        # repeats its title (Google Alerts, many forums) is the whole text: keep it, not just the title.
        if not body:
            text = title
        elif not title or body.startswith(title):
            text = body
        else:
            text = f"{title}\n{body}"
        author = html_to_text(entry.get("author", ""))
        return Mention(
            source=self.name, native_id=str(native_id), text=text, url=link,
            published_at=_published(entry) or self.clock.now(),
            author=Author(handle=author, name=author),
            lang=_lang(entry, feed), kind=self.kind,
            raw=json.dumps({k: entry.get(k) for k in ("id", "title", "link", "published")},
                           ensure_ascii=False, default=str)[:RAW_CAP],
            fetched_at=self.clock.now(),
        )


def _parse(resp) -> Any:
    if resp.content_type in ("text/html", "application/json"):
        raise BadResponse(f"expected a feed, got {resp.content_type}")
    if not resp.body.strip():
        raise BadResponse("empty body where a feed was expected")
    if _declares_utf8(resp):
        resp.text()  # raises BadResponse naming the first invalid byte
    feed = feedparser.parse(resp.body, response_headers={k.lower(): v for k, v in resp.headers.items()})
    if not feed.version:
        reason = getattr(feed.get("bozo_exception"), "getMessage", lambda: "")() or "no RSS or Atom root"
        raise BadResponse(f"not an RSS or Atom feed: {reason}")
    if feed.bozo and (not feed.entries or isinstance(feed.bozo_exception, SAXParseException)):
        # Not well-formed XML (a truncated body, say): what was read may be partial, so the poll
        # fails visibly rather than storing half a feed. Encoding overrides and the like are benign.
        raise BadResponse(f"broken feed: {feed.bozo_exception}")
    return feed


def _declares_utf8(resp) -> bool:
    """UTF-8 unless the header or the XML declaration names another encoding."""
    header = resp.headers.get("Content-Type", "").lower()
    if "charset=" in header:
        return "utf-8" in header or "utf8" in header
    head = resp.body[:200].lower()
    return b"encoding=" not in head or b"utf-8" in head


def _content(entry) -> str:
    for item in entry.get("content") or []:
        if item.get("value"):
            return item["value"]
    return entry.get("summary", "")


def _published(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
    return None


def _lang(entry, feed) -> str | None:
    detail = entry.get("title_detail") or {}
    lang = detail.get("language") or feed.feed.get("language")
    return lang.split("-")[0].lower() if lang else None


def unwrap_redirect(link: str) -> str:
    """Google Alerts (and others) wrap links in a redirect; the team wants the real page."""
    parts = urlsplit(link)
    if parts.netloc.endswith("google.com") and parts.path == "/url":
        target = parse_qs(parts.query).get("url") or parse_qs(parts.query).get("q")
        if target:
            link = target[0]
            parts = urlsplit(link)
    query = [(k, v) for k, vs in parse_qs(parts.query, keep_blank_values=True).items()
             for v in vs if k not in _TRACKING]
    return urlunsplit(parts._replace(query=urlencode(query)))
