"""Mastodon hashtag timelines on any instance: min_id paging through the Link header.

`min_id` returns the posts right after the cursor (unlike since_id, which returns the newest and
leaves a gap after a burst); the Link header's rel="prev" is the next page of newer posts. Ids are
compared as integers. Boosts are unwrapped to the original post. Rate limits come as
x-ratelimit-remaining and an ISO-8601 x-ratelimit-reset; the connector slows down before it hits 0.
"""
from __future__ import annotations

import re

from pydantic import Field

from connectors.base import Connector, ConnectorOptions
from connectors.errors import RateLimited
from connectors.http import request
from connectors.jsonbody import parse_json
from connectors.text import html_to_text
from monitor.clock import parse_iso
from monitor.models import Author, Batch, Mention

MAX_PAGES = 10
LOW_QUOTA = 10        # requests left before the reset at which the connector waits for the reset
_LINK = re.compile(r'<([^>]+)>;\s*rel="(\w+)"')


class MastodonOptions(ConnectorOptions):
    instance: str = Field(pattern=r"^https?://")
    hashtag: str = Field(pattern=r"^[\w]+$")
    require_terms: bool = False      # a brand's own hashtag is about the brand already


class MastodonConnector(Connector):
    kind = "mastodon"
    Options = MastodonOptions

    async def fetch(self, session, cursor):
        min_id = (cursor or {}).get("min_id")
        first_run = min_id is None
        url = f"{(self.options.base_url or self.options.instance).rstrip('/')}/api/v1/timelines/tag/{self.options.hashtag}"
        params = {"limit": "40"} | ({"min_id": min_id} if min_id else {})
        mentions, newest, quota, wait = [], min_id, {}, None
        for _ in range(MAX_PAGES):
            resp = await request(session, "GET", url, params=params, timeout=self.timeout,
                                 max_bytes=self.options.max_bytes, ok=(200, 429))
            quota, wait = self._quota(resp)
            if resp.status == 429:
                raise RateLimited("Mastodon 429 Too Many Requests", wait)
            statuses = parse_json(resp, list)
            if not statuses:
                break
            for status in statuses:
                newest = max_id(newest, str(status.get("id", "")))
                mention = self._mention(status)
                if mention is None or (first_run and self.too_old(mention.published_at, None)):
                    continue
                if self.keeps(mention.text):
                    mentions.append(mention)
            newer = _links(resp.headers.get("Link", "")).get("prev")
            if not newer or first_run:
                break   # a first run takes only the newest page: never the whole history
            url, params = newer, {}
        return Batch(mentions, {"min_id": newest} if newest else cursor, retry_after=wait, quota=quota)

    def _mention(self, status: dict) -> Mention | None:
        post = status.get("reblog") or status   # a boost: the customer's words are in the original
        if not isinstance(post, dict) or not post.get("id"):
            return None
        account = post.get("account") or {}
        text = "\n".join(p for p in (html_to_text(post.get("spoiler_text")), html_to_text(post.get("content"))) if p)
        return Mention(
            source=self.name, native_id=str(post.get("uri") or post["id"]), text=text, kind=self.kind,
            url=post.get("url") or post.get("uri") or "", published_at=parse_iso(post.get("created_at")) or self.clock.now(),
            author=Author(handle=account.get("acct", ""), name=account.get("display_name", ""),
                          followers=account.get("followers_count")),
            lang=post.get("language"), reply_to=post.get("in_reply_to_id"), thread_id=post.get("in_reply_to_id"),
            engagement={k: post[k] for k in ("replies_count", "reblogs_count", "favourites_count")
                        if isinstance(post.get(k), int)},
            fetched_at=self.clock.now(),
        )

    def _quota(self, resp) -> tuple[dict, float | None]:
        remaining = resp.headers.get("x-ratelimit-remaining")
        reset = parse_iso(resp.headers.get("x-ratelimit-reset"))
        quota = {"remaining": int(remaining)} if remaining and remaining.isdigit() else {}
        wait = None
        if reset is not None and (resp.status == 429 or (quota and quota["remaining"] <= LOW_QUOTA)):
            wait = max(1.0, (reset - self.clock.now()).total_seconds())
        return quota, wait


def max_id(current: str | None, candidate: str) -> str | None:
    """Mastodon ids are decimal strings: compare them as integers, never as text."""
    if not candidate.isdigit():
        return current
    if current is None or int(candidate) > int(current):
        return candidate
    return current


def _links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in _LINK.findall(header)}

