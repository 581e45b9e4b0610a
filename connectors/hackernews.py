"""Hacker News through the Algolia search API: stories and comments, incremental by created_at_i.

Algolia's search is fuzzy (its highlights match "java" inside "japanese"), so every hit is checked
against the brand's terms again here. The cursor keeps the newest created_at_i and the ids of the last
poll; each poll asks from a little before it (overlap) and drops what it has seen.
"""
from __future__ import annotations

from datetime import datetime, timezone

from pydantic import Field

from connectors.base import Connector, ConnectorOptions
from connectors.http import request
from connectors.jsonbody import parse_json
from connectors.text import html_to_text
from monitor.models import Author, Batch, Mention

API = "https://hn.algolia.com"
OVERLAP = 60          # seconds re-asked each poll: Algolia indexes with a small delay
MAX_PAGES = 5


class HackerNewsOptions(ConnectorOptions):
    query: str = Field(min_length=1)          # sent to Algolia, which matches loosely
    require_terms: bool = True                # so hits are re-checked ("java" is not "japanese")
    tags: str = "(story,comment)"


class HackerNewsConnector(Connector):
    kind = "hackernews"
    Options = HackerNewsOptions

    def fallback_terms(self) -> list[str]:
        return [self.options.query]

    async def fetch(self, session, cursor):
        cursor = cursor or {}
        since = cursor.get("since") or int((self.clock.now().timestamp()) - self.options.lookback)
        seen = set(cursor.get("seen", []))
        mentions, newest, polled = [], since, []
        for page in range(MAX_PAGES):
            body = await self._page(session, since - OVERLAP, page)
            for hit in body.get("hits") or []:
                mention = self._mention(hit)
                if mention is None or mention.native_id in seen:
                    continue
                newest = max(newest, int(hit.get("created_at_i") or 0))
                polled.append(mention.native_id)
                if self.keeps(mention.text):
                    mentions.append(mention)
                seen.add(mention.native_id)
            if page + 1 >= int(body.get("nbPages") or 0):
                break
        # Ids seen this poll: the next one re-asks the overlap window and must not return them again.
        return Batch(mentions, {"since": newest, "seen": (polled or list(seen))[-500:]})

    async def _page(self, session, since: int, page: int) -> dict:
        params = {"query": self.options.query, "tags": self.options.tags, "hitsPerPage": "100",
                  "numericFilters": f"created_at_i>{since}", "page": str(page)}
        resp = await request(session, "GET", f"{(self.options.base_url or API).rstrip('/')}/api/v1/search_by_date",
                             params=params, timeout=self.timeout, max_bytes=self.options.max_bytes)
        return parse_json(resp)

    def _mention(self, hit: dict) -> Mention | None:
        object_id = str(hit.get("objectID") or "")
        if not object_id:
            return None
        title = html_to_text(hit.get("title") or "")
        body = html_to_text(hit.get("comment_text") or hit.get("story_text") or "")
        text = "\n".join(p for p in (title, body) if p)
        created = datetime.fromtimestamp(int(hit.get("created_at_i") or 0), tz=timezone.utc)
        return Mention(
            source=self.name, native_id=object_id, text=text, kind=self.kind,
            url=f"https://news.ycombinator.com/item?id={object_id}", author=Author(handle=hit.get("author") or ""),
            published_at=created, fetched_at=self.clock.now(),
            thread_id=str(hit.get("story_id") or object_id),
            reply_to=str(hit["parent_id"]) if hit.get("parent_id") else None,
            engagement={k: int(hit[k]) for k in ("points", "num_comments") if isinstance(hit.get(k), int)},
        )
