"""X (Twitter) API v2 recent search with a bearer token.

With since_id, every next_token page is drained first, and only then does the cursor move, to the
FIRST page's meta.newest_id. Follower counts are joined from includes.users. Every post read counts
against the monthly cap: the count is kept in the cursor and shown as quota; at the cap, polling stops
until the month turns. Rate limits: x-rate-limit-remaining and an epoch x-rate-limit-reset.
"""
from __future__ import annotations

from pydantic import Field, SecretStr

from connectors.base import Connector, ConnectorOptions
from connectors.errors import AuthError, RateLimited, SourceError
from connectors.http import request
from connectors.jsonbody import parse_json
from monitor.clock import parse_iso
from monitor.models import Author, Batch, Mention

API = "https://api.x.com"
MAX_PAGES = 10


class XOptions(ConnectorOptions):
    bearer_token: SecretStr
    query: str = Field(min_length=1)                 # X's own query language, e.g. "acme -is:retweet"
    monthly_cap: int = Field(10_000, ge=1)           # posts per month your plan allows


class XConnector(Connector):
    kind = "x"
    Options = XOptions

    async def fetch(self, session, cursor):
        cursor = dict(cursor or {})
        month = self.clock.now().strftime("%Y-%m")
        used = cursor.get("used", 0) if cursor.get("month") == month else 0
        quota = {"monthly_cap": self.options.monthly_cap, "used_this_month": used}
        if used >= self.options.monthly_cap:
            raise RateLimited(f"monthly post cap of {self.options.monthly_cap} reached", retry_after=3600)
        mentions, newest, token = [], None, None
        for _ in range(MAX_PAGES):
            body, resp = await self._page(session, cursor.get("since_id"), token)
            meta = body.get("meta") or {}
            newest = newest or meta.get("newest_id")          # the first page's newest is the new cursor
            users = {u.get("id"): u for u in (body.get("includes") or {}).get("users") or []}
            for post in body.get("data") or []:
                mention = self._mention(post, users)
                if mention and self.keeps(mention.text) and \
                        not (not cursor.get("since_id") and self.too_old(mention.published_at, None)):
                    mentions.append(mention)
            used += int(meta.get("result_count") or len(body.get("data") or []))
            quota.update(_rate(resp.headers), used_this_month=used)
            token = meta.get("next_token")
            if not token or used >= self.options.monthly_cap:
                break
        cursor.update(month=month, used=used, **({"since_id": newest} if newest else {}))
        return Batch(mentions, cursor, quota=quota)

    async def _page(self, session, since_id, next_token):
        params = {"query": self.options.query, "max_results": "100", "expansions": "author_id",
                  "tweet.fields": "created_at,lang,public_metrics,author_id,conversation_id,in_reply_to_user_id",
                  "user.fields": "username,name,public_metrics"}
        if since_id:
            params["since_id"] = since_id
        if next_token:
            params["next_token"] = next_token
        resp = await request(session, "GET", f"{(self.options.base_url or API).rstrip('/')}/2/tweets/search/recent",
                             params=params, headers={"Authorization": f"Bearer {self.options.bearer_token.get_secret_value()}"},
                             timeout=self.timeout, max_bytes=self.options.max_bytes, ok=(200, 401, 403, 429))
        if resp.status == 429:
            reset = _rate(resp.headers).get("reset_epoch")
            wait = max(1.0, reset - self.clock.now().timestamp()) if reset else None
            raise RateLimited("X 429 Rate limit exceeded", wait)
        if resp.status in (401, 403):
            raise AuthError(f"X refused the bearer token or the plan does not allow search ({resp.status})")
        body = parse_json(resp)
        if "errors" in body and "data" not in body and "meta" not in body:
            raise SourceError(f"X error: {str(body['errors'][0].get('message', ''))[:200]}")
        return body, resp

    def _mention(self, post: dict, users: dict) -> Mention | None:
        if not post.get("id"):
            return None
        user = users.get(post.get("author_id")) or {}
        handle = user.get("username") or ""
        metrics = post.get("public_metrics") or {}
        return Mention(
            source=self.name, native_id=str(post["id"]), text=post.get("text", ""), kind=self.kind,
            url=f"https://x.com/{handle or 'i'}/status/{post['id']}", lang=post.get("lang"),
            author=Author(handle=handle, name=user.get("name", ""),
                          followers=(user.get("public_metrics") or {}).get("followers_count")),
            published_at=parse_iso(post.get("created_at")) or self.clock.now(),
            thread_id=post.get("conversation_id"), fetched_at=self.clock.now(),
            engagement={k: int(v) for k, v in metrics.items() if isinstance(v, int)},
        )


def _rate(headers) -> dict:
    out = {}
    for key, name in (("x-rate-limit-remaining", "remaining"), ("x-rate-limit-reset", "reset_epoch")):
        value = headers.get(key)
        if value and value.isdigit():
            out[name] = int(value)
    return out
