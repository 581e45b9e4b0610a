"""YouTube Data API v3 commentThreads for configured videos and channels, with an API key.

There is no "since" parameter: with order=time the connector pages until a whole page is older than
its watermark (not until the first old comment: a pinned comment sits on top, months old). The
first page goes out with If-None-Match and its ETag, so an unchanged video costs a 304.

Quota lives in the body, not in headers: 403 quotaExceeded (the day's 10,000 units are spent, reset
at midnight Pacific) stops the poll until then; commentsDisabled or a missing video only skips that
target. Every call costs one unit; the day's count is kept in the cursor and shown as quota.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, model_validator

from connectors.base import Connector, ConnectorOptions
from connectors.errors import AuthError, BadResponse, RateLimited
from connectors.http import Response, request, retry_after_seconds
from connectors.jsonbody import parse_json
from connectors.text import html_to_text
from monitor.clock import iso, parse_iso
from monitor.models import RAW_CAP, Author, Batch, Mention

API = "https://www.googleapis.com"
PACIFIC = ZoneInfo("America/Los_Angeles")
SEEN_CAP = 2000
SLACK = timedelta(hours=1)   # comments held for review appear late; older unseen ones are history
_SKIP = {"commentsDisabled", "videoNotFound", "channelNotFound", "forbidden"}   # this target only
_DAILY = {"quotaExceeded", "dailyLimitExceeded"}


class YouTubeOptions(ConnectorOptions):
    api_key: SecretStr
    videos: list[str] = []
    channels: list[str] = []              # allThreadsRelatedToChannelId: comments on all the channel's videos
    search_terms: str | None = None       # YouTube's own searchTerms filter, sent with each call
    max_pages: int = Field(5, ge=1, le=50)
    daily_quota: int = Field(10_000, ge=1)

    @model_validator(mode="after")
    def _one_target(self):
        if not self.videos and not self.channels:
            raise ValueError("give at least one of videos or channels")
        return self


class YouTubeConnector(Connector):
    kind = "youtube"
    Options = YouTubeOptions

    async def fetch(self, session, cursor):
        cursor = dict(cursor or {})
        targets = dict(cursor.get("targets") or {})
        today = self.clock.now().astimezone(PACIFIC).date().isoformat()
        units = cursor.get("units", 0) if cursor.get("day") == today else 0
        mentions, skipped = [], {}
        for key, param in self._targets():
            state = dict(targets.get(key) or {})
            try:
                found, state, used = await self._target(session, param, state)
            except _Skip as skip:
                skipped[key], used = skip.reason, 1
                found = []
            units += used
            targets[key] = state
            mentions.extend(m for m in found if self.keeps(m.text))
        quota = {"units_today": units, "daily_quota": self.options.daily_quota} | ({"skipped": skipped} if skipped else {})
        return Batch(mentions, {"targets": targets, "day": today, "units": units}, quota=quota)

    def _targets(self) -> list[tuple[str, dict]]:
        return [(f"video:{v}", {"videoId": v}) for v in self.options.videos] + \
               [(f"channel:{c}", {"allThreadsRelatedToChannelId": c}) for c in self.options.channels]

    async def _target(self, session, param: dict, state: dict) -> tuple[list[Mention], dict, int]:
        first_run = "watermark" not in state
        watermark = parse_iso(state.get("watermark")) if not first_run else None
        seen = list(state.get("seen", []))
        known, found, newest, token, used = set(seen), [], watermark, None, 0
        for page in range(1 if first_run else self.options.max_pages):
            etag = state.get("etag") if page == 0 else None
            resp = await self._call(session, param, token, etag)
            used += 1
            if resp.status == 304:
                return [], state, used
            body = parse_json(resp)
            if page == 0:
                state["etag"] = resp.headers.get("ETag") or (f'"{body["etag"]}"' if body.get("etag") else None)
            comments = [c for item in body.get("items") or [] for c in self._thread(item)]
            for mention in comments:
                newest = max(newest, mention.published_at) if newest else mention.published_at
                if mention.native_id in known or self._history(mention, watermark):
                    continue
                known.add(mention.native_id)
                seen.append(mention.native_id)
                found.append(mention)
            token = body.get("nextPageToken")
            if not token or (watermark and all(m.published_at <= watermark for m in comments)):
                break
        state.update(watermark=iso(newest or self.clock.now()), seen=seen[-SEEN_CAP:])
        return found, state, used

    def _history(self, mention: Mention, watermark: datetime | None) -> bool:
        if watermark is None:
            return self.too_old(mention.published_at, None)
        return mention.published_at < watermark - SLACK

    async def _call(self, session, param: dict, token: str | None, etag: str | None) -> Response:
        params = {"part": "snippet,replies", "order": "time", "maxResults": "100", "textFormat": "plainText",
                  **param, "key": self.options.api_key.get_secret_value()}
        if self.options.search_terms:
            params["searchTerms"] = self.options.search_terms
        if token:
            params["pageToken"] = token
        headers = {"Accept": "application/json"} | ({"If-None-Match": etag} if etag else {})
        base = (self.options.base_url or API).rstrip("/")
        resp = await request(session, "GET", f"{base}/youtube/v3/commentThreads", params=params, headers=headers,
                             timeout=self.timeout, max_bytes=self.options.max_bytes, ok=(200, 400, 403, 404, 429))
        if resp.status in (200, 304):
            return resp
        raise self._error(resp)

    def _error(self, resp: Response) -> Exception:
        reason, message = _google_error(resp)
        if reason in _DAILY:
            return RateLimited(f"YouTube daily quota spent ({reason}); it resets at midnight Pacific",
                               seconds_to_pacific_midnight(self.clock.now()))
        if resp.status == 429 or reason in ("rateLimitExceeded", "userRateLimitExceeded"):
            return RateLimited(f"YouTube {reason or 'rate limit'}",
                               retry_after_seconds(resp.headers.get("Retry-After")) or 60)
        if reason in _SKIP:
            return _Skip(reason)
        if resp.status in (400, 403) and reason in ("keyInvalid", "keyExpired", "accessNotConfigured", "ipRefererBlocked"):
            return AuthError(f"YouTube refused the API key: {reason}")
        return BadResponse(f"YouTube {resp.status}: {reason or message or 'no reason given'}")

    def _thread(self, item: dict) -> list[Mention]:
        if not isinstance(item, dict):
            return []
        snippet = item.get("snippet") or {}
        top = self._comment(snippet.get("topLevelComment"), snippet.get("videoId"), item.get("id"), None)
        if top is None:
            return []
        if isinstance(snippet.get("totalReplyCount"), int):
            top.engagement["replies"] = snippet["totalReplyCount"]
        replies = [self._comment(c, snippet.get("videoId"), item.get("id"), top.native_id)
                   for c in (item.get("replies") or {}).get("comments") or []]
        return [top] + [r for r in replies if r is not None]

    def _comment(self, comment, video: str | None, thread: str | None, parent: str | None) -> Mention | None:
        if not isinstance(comment, dict) or not comment.get("id"):
            return None
        s = comment.get("snippet") or {}
        # textOriginal is what the author typed; textDisplay is HTML-escaped with <a> timestamps.
        text = s.get("textOriginal") or html_to_text(s.get("textDisplay"))
        channel = (s.get("authorChannelId") or {}).get("value", "")
        return Mention(
            source=self.name, native_id=comment["id"], text=text, kind=self.kind,
            url=f"https://www.youtube.com/watch?v={video or s.get('videoId', '')}&lc={comment['id']}",
            published_at=_when(s.get("publishedAt")) or self.clock.now(),
            author=Author(handle=s.get("authorDisplayName", "") or channel, name=s.get("authorDisplayName", "")),
            thread_id=thread, reply_to=parent or s.get("parentId"),
            engagement={"likes": s["likeCount"]} if isinstance(s.get("likeCount"), int) else {},
            raw=json.dumps(comment, ensure_ascii=False)[:RAW_CAP], fetched_at=self.clock.now(),
        )


class _Skip(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _google_error(resp: Response) -> tuple[str, str]:
    """Google's error body: {"error": {"code", "message", "errors": [{"reason", "domain"}]}}."""
    try:
        error = json.loads(resp.body)["error"]
        reasons = [e.get("reason", "") for e in error.get("errors") or []]
        return (reasons[0] if reasons else ""), str(error.get("message", ""))[:200]
    except (ValueError, KeyError, TypeError, AttributeError):
        return "", ""


def seconds_to_pacific_midnight(now: datetime) -> float:
    local = now.astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=PACIFIC)
    return max(60.0, (midnight - local).total_seconds())


def _when(text) -> datetime | None:
    try:
        return parse_iso(text) if isinstance(text, str) else None
    except ValueError:
        return None
