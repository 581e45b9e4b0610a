"""Reddit: site search or a subreddit's new posts and comments, with app-only OAuth when configured.

Pitfalls handled: anonymous .json is often refused with a 403 HTML "blocked" page (recognised and
named); a descriptive User-Agent; raw_json=1 so text is not HTML-escaped; x-ratelimit-remaining is a
float string and x-ratelimit-reset counts seconds; a `before=` cursor pointing at a deleted item
returns an empty page forever, so an empty page falls back to the newest items deduplicated by name.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone

from pydantic import Field, SecretStr

from connectors.base import Connector, ConnectorOptions
from connectors.errors import AuthError, BadResponse
from connectors.http import request
from connectors.jsonbody import parse_json
from monitor.models import Author, Batch, Mention

WWW = "https://www.reddit.com"
OAUTH = "https://oauth.reddit.com"
USER_AGENT = "complaint-monitor/0.1 (support-team brand monitor; contact via the operator)"
LOW_QUOTA = 5.0


class RedditOptions(ConnectorOptions):
    query: str | None = None                 # site search
    subreddit: str | None = Field(None, pattern=r"^\w{2,21}$")
    listing: str = Field("new", pattern=r"^(new|comments)$")
    client_id: str | None = None
    client_secret: SecretStr | None = None
    oauth_url: str | None = None             # tests and mirrors; default oauth.reddit.com
    require_terms: bool = True


class RedditConnector(Connector):
    kind = "reddit"
    Options = RedditOptions

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._token: tuple[str, float] | None = None

    async def fetch(self, session, cursor):
        cursor = cursor or {}
        headers = {"User-Agent": USER_AGENT}
        base = self.options.base_url or WWW
        if self.options.client_id and self.options.client_secret:
            headers["Authorization"] = f"bearer {await self._access_token(session)}"
            base = self.options.oauth_url or OAUTH
        oauth = "Authorization" in headers
        body, resp = await self._listing(session, base, headers, cursor.get("before"), oauth)
        children = (body.get("data") or {}).get("children") or []
        if not children and cursor.get("before"):
            # The cursor may point at a deleted item: read the newest page and rely on dedupe.
            body, resp = await self._listing(session, base, headers, None, oauth)
            children = (body.get("data") or {}).get("children") or []
        seen = set(cursor.get("seen", []))
        mentions = []
        for child in children:
            mention = self._mention(child)
            if mention is None or mention.native_id in seen:
                continue
            if not cursor and self.too_old(mention.published_at, None):
                continue
            if self.keeps(mention.text):
                mentions.append(mention)
        names = [c.get("data", {}).get("name") for c in children if c.get("data", {}).get("name")]
        newest = names[0] if names else cursor.get("before")
        quota, wait = _quota(resp.headers)
        new_cursor = {"before": newest, "seen": (names + list(seen))[:300]} if newest else cursor or None
        return Batch(mentions, new_cursor, retry_after=wait, quota=quota)

    async def _listing(self, session, base: str, headers: dict, before: str | None, oauth: bool):
        o = self.options
        suffix = "" if oauth else ".json"   # the OAuth host serves the same paths without .json
        if o.subreddit:
            path = f"/r/{o.subreddit}/{'comments' if o.listing == 'comments' else 'new'}{suffix}"
            params = {"limit": "100", "raw_json": "1"}
            if o.query and o.listing == "new":
                path, params = f"/r/{o.subreddit}/search{suffix}", {**params, "q": o.query, "restrict_sr": "on", "sort": "new"}
        else:
            path, params = f"/search{suffix}", {"q": o.query or " OR ".join(self.brand_terms), "sort": "new",
                                                 "t": "day", "limit": "100", "raw_json": "1"}
        if before:
            params["before"] = before
        resp = await request(session, "GET", base.rstrip("/") + path, headers=headers, params=params,
                             timeout=self.timeout, max_bytes=self.options.max_bytes, ok=(200, 403))
        if resp.status == 403:
            if resp.content_type == "text/html" or b"blocked" in resp.body[:2000].lower():
                raise AuthError("Reddit blocked the request (403 'blocked' page): configure app-only OAuth "
                                "credentials (client_id, client_secret)")
            raise AuthError("Reddit refused access (403)")
        return parse_json(resp), resp

    async def _access_token(self, session) -> str:
        if self._token and self._token[1] > time.monotonic() + 60:
            return self._token[0]
        import base64

        import aiohttp
        pair = f"{self.options.client_id}:{self.options.client_secret.get_secret_value()}".encode()
        basic = "Basic " + base64.b64encode(pair).decode()
        url = f"{(self.options.base_url or WWW).rstrip('/')}/api/v1/access_token"
        async with session.post(url, data={"grant_type": "client_credentials"},
                                headers={"User-Agent": USER_AGENT, "Authorization": basic},
                                timeout=aiohttp.ClientTimeout(total=self.timeout)) as resp:
            if resp.status in (401, 403):
                raise AuthError(f"Reddit rejected the app credentials ({resp.status})")
            body = await resp.json(content_type=None)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise BadResponse("Reddit's token endpoint answered without an access_token")
        self._token = (token, time.monotonic() + float(body.get("expires_in", 3600)))
        return token

    def _mention(self, child: dict) -> Mention | None:
        data = child.get("data") or {}
        if child.get("kind") not in ("t3", "t1") or not data.get("name"):
            return None
        text = "\n".join(p for p in (data.get("title"), data.get("selftext") or data.get("body")) if p)
        return Mention(
            source=self.name, native_id=data["name"], text=text, kind=self.kind,
            url=WWW + data.get("permalink", ""), author=Author(handle=data.get("author") or ""),
            published_at=datetime.fromtimestamp(float(data.get("created_utc") or 0), tz=timezone.utc),
            thread_id=data.get("link_id") or data["name"], reply_to=data.get("parent_id"),
            engagement={k: int(data[k]) for k in ("score", "num_comments") if isinstance(data.get(k), (int, float))},
            fetched_at=self.clock.now(),
        )


def _quota(headers) -> tuple[dict, float | None]:
    """x-ratelimit-remaining is a float string ("997.0"); x-ratelimit-reset is seconds, not an epoch."""
    try:
        remaining = float(headers.get("x-ratelimit-remaining", ""))
        reset = float(headers.get("x-ratelimit-reset", ""))
    except ValueError:
        return {}, None
    return {"remaining": remaining, "reset_in": reset}, (reset if remaining < LOW_QUOTA else None)
