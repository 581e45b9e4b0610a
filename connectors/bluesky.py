"""Bluesky post search (app.bsky.feed.searchPosts) with an app-password session.

Logged-out search is often switched off (atproto#3423), so the connector logs in with an app
password. createSession is limited to about 30 per 5 minutes with day-long lockouts, so the
session lives on the connector across polls: the access token is reused until it nears expiry,
then refreshed with refreshSession; only when the refresh token is refused does it log in again.

The search cursor is opaque and may not scroll the whole result set, so incremental polling uses
sort=latest with since=<newest indexedAt seen - overlap> and dedupes on the post's at:// uri.
Search stems freely, so every hit is re-checked against the brand (matching.py).
"""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

from pydantic import Field, SecretStr

from connectors.base import Connector, ConnectorOptions
from connectors.errors import AuthError, BadResponse, RateLimited
from connectors.http import Response, read_rate_limit, request
from connectors.jsonbody import parse_json
from connectors.matching import Query
from monitor.clock import iso
from monitor.clock import parse_iso as _parse_iso
from monitor.models import RAW_CAP, Author, Batch, Mention

PDS = "https://bsky.social"
OVERLAP = timedelta(minutes=2)       # indexing lag: re-ask a little behind the newest seen, dedupe after
SEEN_CAP = 2000
LOW_QUOTA = 5
TOKEN_MARGIN = timedelta(minutes=2)  # refresh a little before the access token runs out


class BlueskyOptions(ConnectorOptions):
    identifier: str = Field(min_length=1)      # handle or e-mail of the account the app password belongs to
    app_password: SecretStr
    searches: list[str] = []                   # what to send to searchPosts; default: the brand's terms
    require_terms: bool = True                 # Bluesky's search stems: re-check hits (or set `match`)
    lang: str | None = None                    # e.g. "fa": only posts tagged with this language
    max_pages: int = Field(5, ge=1, le=20)
    followers: bool = True                     # join followersCount via getProfiles (one call per 25 authors)


class BlueskyConnector(Connector):
    kind = "bluesky"
    Options = BlueskyOptions

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._access: str | None = None
        self._refresh: str | None = None
        self._expires: datetime | None = None
        self.logins = 0                      # createSession calls; shown in quota, watched by tests

    @property
    def base(self) -> str:
        return (self.options.base_url or PDS).rstrip("/")

    def searches(self) -> list[str]:
        if self.options.searches:
            return self.options.searches
        return Query(self.options.match).terms() if self.options.match else list(self.brand_terms)

    async def fetch(self, session, cursor):
        cursor = dict(cursor or {})
        since: dict[str, str] = dict(cursor.get("since", {}))
        seen = list(cursor.get("seen", []))
        known = set(seen)
        mentions, dids, pause, quota = [], {}, None, {}
        for q in self.searches():
            first_run = q not in since
            posts, newest, limit = await self._search(session, q, since.get(q))
            quota, pause = limit.quota(), limit.pause(LOW_QUOTA)
            if newest:
                since[q] = newest
            for post in posts:
                mention = self._mention(post)
                if mention is None or mention.native_id in known:
                    continue
                known.add(mention.native_id)
                seen.append(mention.native_id)
                if first_run and self.too_old(mention.published_at, None):
                    continue
                if self.keeps(mention.text):
                    mentions.append(mention)
                    dids[mention.native_id] = (post.get("author") or {}).get("did")
        if self.options.followers and mentions:
            await self._join_followers(session, mentions, dids)
        quota["logins"] = self.logins
        return Batch(mentions, {"since": since, "seen": seen[-SEEN_CAP:]}, retry_after=pause, quota=quota)

    async def _search(self, session, q: str, since: str | None):
        known = parse_iso(since)
        start = known - OVERLAP if known else self.clock.now() - timedelta(seconds=self.options.lookback)
        params = {"q": q, "sort": "latest", "limit": "100", "since": iso(start)}
        if self.options.lang:
            params["lang"] = self.options.lang
        posts, newest, limit = [], since, None
        for _ in range(self.options.max_pages):
            resp = await self._xrpc(session, "app.bsky.feed.searchPosts", params)
            limit = read_rate_limit(resp.headers, "ietf", self.clock.now())
            body = parse_json(resp)
            page = body.get("posts")
            if not isinstance(page, list):
                raise BadResponse("searchPosts answer has no posts list")
            page = [p for p in page if isinstance(p, dict)]
            posts.extend(page)
            for post in page:
                newest = _later(newest, post.get("indexedAt"))
            # The cursor pages further back; stop once a page reaches what we already had.
            oldest = min((parse_iso(p.get("indexedAt")) or start for p in page), default=start)
            if not body.get("cursor") or len(page) < 100 or oldest <= start:
                break
            params = {**params, "cursor": str(body["cursor"])}
        return posts, newest, limit

    async def _xrpc(self, session, method: str, params) -> Response:
        """A GET on the PDS with the session's token; an expired token is refreshed once and retried."""
        for attempt in (1, 2):
            token = await self._token(session)
            resp = await request(session, "GET", f"{self.base}/xrpc/{method}", params=params,
                                 headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                                 timeout=self.timeout, max_bytes=self.options.max_bytes,
                                 ok=(200, 400, 401, 403, 429))
            if resp.status == 200:
                return resp
            error = _xrpc_error(resp)
            if error in ("ExpiredToken", "InvalidToken") and attempt == 1:
                self._expires = None        # force the refresh path
                continue
            raise self._failure(resp, error, method)
        raise AuthError("Bluesky keeps refusing a fresh token")   # pragma: no cover - loop always returns or raises

    def _failure(self, resp: Response, error: str, method: str):
        if resp.status == 429:
            limit = read_rate_limit(resp.headers, "ietf", self.clock.now())
            return RateLimited(f"Bluesky 429 on {method}", limit.reset_in)
        if resp.status in (401, 403):
            reason = error or resp.body[:120].decode("utf-8", "replace").strip()
            return AuthError(f"Bluesky refused {method}: {reason}")
        return BadResponse(f"Bluesky {resp.status} on {method}: {error or 'no error name'}")

    async def _token(self, session) -> str:
        now = self.clock.now()
        if self._access and self._expires and now < self._expires - TOKEN_MARGIN:
            return self._access
        if self._refresh and await self._session_call(session, "com.atproto.server.refreshSession",
                                                      headers={"Authorization": f"Bearer {self._refresh}"}):
            return self._access
        body = {"identifier": self.options.identifier, "password": self.options.app_password.get_secret_value()}
        self.logins += 1
        if not await self._session_call(session, "com.atproto.server.createSession", json=body):
            raise AuthError(f"Bluesky login refused for {self.options.identifier}: check the app password")
        return self._access

    async def _session_call(self, session, method: str, **kwargs) -> bool:
        resp = await request(session, "POST", f"{self.base}/xrpc/{method}", timeout=self.timeout,
                             max_bytes=64 * 1024, ok=(200, 400, 401, 429), **kwargs)
        if resp.status == 429:
            raise self._failure(resp, "", method)
        if resp.status != 200:
            self._access = self._refresh = None
            return False
        body = parse_json(resp)
        if not isinstance(body.get("accessJwt"), str) or not isinstance(body.get("refreshJwt"), str):
            raise BadResponse(f"{method} answer lacks accessJwt/refreshJwt")
        self._access, self._refresh = body["accessJwt"], body["refreshJwt"]
        self._expires = jwt_expiry(self._access) or self.clock.now() + timedelta(minutes=15)
        return True

    async def _join_followers(self, session, mentions: list[Mention], dids: dict[str, str | None]) -> None:
        """postView has no follower count; getProfiles gives it, 25 actors per call."""
        actors = list(dict.fromkeys(d for d in dids.values() if isinstance(d, str)))
        counts: dict[str, int] = {}
        for i in range(0, len(actors), 25):
            resp = await self._xrpc(session, "app.bsky.actor.getProfiles", [("actors", d) for d in actors[i:i + 25]])
            for profile in parse_json(resp).get("profiles") or []:
                if isinstance(profile, dict) and isinstance(profile.get("followersCount"), int):
                    counts[profile.get("did", "")] = profile["followersCount"]
        for m in mentions:
            m.author.followers = counts.get(dids.get(m.native_id) or "")

    def _mention(self, post: dict) -> Mention | None:
        uri, record, author = post.get("uri"), post.get("record") or {}, post.get("author") or {}
        if not isinstance(uri, str) or not uri.startswith("at://") or not isinstance(record, dict):
            return None
        handle = author.get("handle", "")
        reply = record.get("reply") or {}
        return Mention(
            source=self.name, native_id=uri, text=str(record.get("text") or ""), kind=self.kind,
            url=f"https://bsky.app/profile/{handle or author.get('did', '')}/post/{uri.rsplit('/', 1)[-1]}",
            published_at=_published(record, post, self.clock.now()),
            author=Author(handle=handle, name=author.get("displayName") or ""),
            lang=(record.get("langs") or [None])[0],
            thread_id=(reply.get("root") or {}).get("uri"), reply_to=(reply.get("parent") or {}).get("uri"),
            engagement={k: post[k] for k in ("likeCount", "repostCount", "replyCount", "quoteCount")
                        if isinstance(post.get(k), int)},
            raw=json.dumps(post, ensure_ascii=False)[:RAW_CAP], fetched_at=self.clock.now(),
        )


def _published(record: dict, post: dict, now: datetime) -> datetime:
    """createdAt is the client's clock and can be wrong; never later than when the AppView indexed it."""
    created, indexed = parse_iso(record.get("createdAt")), parse_iso(post.get("indexedAt"))
    if created and indexed and created > indexed:
        return indexed
    return created or indexed or now


def _later(current: str | None, candidate) -> str | None:
    when = parse_iso(candidate) if isinstance(candidate, str) else None
    if when is None:
        return current
    if current is None or when > parse_iso(current):
        return iso(when)
    return current


def _xrpc_error(resp: Response) -> str:
    try:
        return str(json.loads(resp.body).get("error") or "")
    except (ValueError, AttributeError):
        return ""


def jwt_expiry(token: str) -> datetime | None:
    """The exp claim, read without verifying: the PDS checks the signature, we only plan the refresh."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(int(claims["exp"]), tz=timezone.utc)
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def parse_iso(text) -> datetime | None:
    """Dates from the wire: unreadable ones are treated as missing rather than failing the poll."""
    try:
        return _parse_iso(text) if isinstance(text, str) else None
    except ValueError:
        return None
