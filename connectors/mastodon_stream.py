"""Mastodon's streaming API (server-sent events) for a hashtag: a post reaches the queue in seconds.

    GET {streaming}/api/v1/streaming/hashtag?tag=<tag>      event: update / data: <status JSON>

Mastodon streams have no replay, so every (re)connect first catches up through the polling path
(min_id paging, mastodon.py) from the cursor, then listens; ids at or below the cursor are skipped,
so the catch-up and the stream never deliver a post twice and a dropped connection loses nothing.
When the instance refuses streaming (401/403/404/501, or no text/event-stream, as instances that
close public streams do), the connector falls back to polling at `poll_interval`.
"""
from __future__ import annotations

import asyncio
import json
from typing import AsyncIterator

import aiohttp
from pydantic import Field, SecretStr

from connectors.errors import RateLimited, TransientError
from connectors.http import USER_AGENT
from connectors.mastodon import MastodonConnector, MastodonOptions, max_id
from connectors.sse import events
from monitor.models import Batch

_REFUSED = {401, 403, 404, 405, 410, 501}


class MastodonStreamOptions(MastodonOptions):
    token: SecretStr | None = None            # some instances stream only to logged-in apps
    streaming_url: str | None = Field(None, pattern=r"^https?://")   # /api/v1/instance urls.streaming_api
    idle_timeout: float = Field(90, gt=0)     # no byte (not even a heartbeat) for this long: reconnect
    reconnect_delay: float = Field(2, ge=0)
    poll_interval: float = Field(60, gt=0)    # fallback polling when streaming is refused


class StreamRefused(Exception):
    pass


class MastodonStreamConnector(MastodonConnector):
    kind = "mastodon_stream"
    Options = MastodonStreamOptions
    streaming = True                          # False once the instance refused; visible to the caller

    async def stream(self, session: aiohttp.ClientSession, cursor: dict | None) -> AsyncIterator[Batch]:
        cursor = dict(cursor or {})
        while True:
            try:
                batch = await self.fetch(session, cursor)          # catch up on what the stream missed
                cursor = batch.cursor or cursor
                if batch.mentions:
                    yield batch
                if not self.streaming:
                    await asyncio.sleep(max(batch.retry_after or 0, self.options.poll_interval))
                    continue
                async for batch in self._listen(session, cursor):
                    cursor = batch.cursor
                    yield batch
            except StreamRefused:
                self.streaming = False
            except RateLimited as exc:
                await asyncio.sleep(exc.retry_after or self.options.poll_interval)
            except TransientError:
                await asyncio.sleep(self.options.reconnect_delay)   # dropped: catch up, then reconnect

    async def _listen(self, session, cursor: dict) -> AsyncIterator[Batch]:
        base = (self.options.streaming_url or self.options.base_url or self.options.instance).rstrip("/")
        headers = {"User-Agent": USER_AGENT, "Accept": "text/event-stream"}
        if self.options.token:
            headers["Authorization"] = f"Bearer {self.options.token.get_secret_value()}"
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self.timeout, sock_read=self.options.idle_timeout)
        try:
            async with session.get(f"{base}/api/v1/streaming/hashtag", params={"tag": self.options.hashtag},
                                   headers=headers, timeout=timeout) as resp:
                self._check(resp)
                async for name, data in events(resp, self.options.max_bytes):
                    batch = self._update(name, data, cursor)
                    if batch is not None:
                        cursor = batch.cursor
                        yield batch
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise TransientError(f"stream dropped: {exc.__class__.__name__}") from exc
        raise TransientError("stream closed by the server")

    def _check(self, resp: aiohttp.ClientResponse) -> None:
        kind = resp.headers.get("Content-Type", "").split(";")[0].strip()
        if resp.status in _REFUSED or (resp.status == 200 and kind != "text/event-stream"):
            raise StreamRefused(f"streaming refused: HTTP {resp.status} {kind}")
        if resp.status != 200:
            raise TransientError(f"stream answered HTTP {resp.status}")

    def _update(self, name: str, data: str, cursor: dict) -> Batch | None:
        if name != "update":
            return None                       # delete, status.update, notification: not new posts
        try:
            status = json.loads(data)
        except json.JSONDecodeError:
            return None                       # one broken event does not end the stream
        if not isinstance(status, dict) or not str(status.get("id", "")).isdigit():
            return None
        newest = max_id(cursor.get("min_id"), str(status["id"]))
        if newest == cursor.get("min_id"):
            return None                       # already delivered by the catch-up
        mention = self._mention(status)
        keep = mention is not None and self.keeps(mention.text)
        return Batch([mention] if keep else [], {**cursor, "min_id": newest})
