"""Bluesky's live post stream through Jetstream (JSON over WebSocket), filtered by the brand's terms.

    wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post&cursor=<time_us>

Every public post passes by (hundreds a second), so the connector matches each one itself and
keeps only the brand's. The cursor is the event's time_us: on reconnect the connector asks to
replay from a few seconds before it (Jetstream's advice, since delivery is not strictly ordered
across its shards) and skips what it already handled, so a dropped connection loses nothing.
Unmatched events move the cursor too; a cursor-only Batch is yielded every `checkpoint_every`
events so a restart does not replay much.

`fetch()` listens for `fetch_seconds` and returns what matched, for a scheduler that only polls.
"""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from typing import AsyncIterator

import aiohttp
from pydantic import Field

from connectors.base import Connector, ConnectorOptions
from connectors.errors import SourceError, TransientError
from connectors.http import USER_AGENT
from monitor.clock import parse_iso
from monitor.models import RAW_CAP, Author, Batch, Mention

JETSTREAM = "wss://jetstream2.us-east.bsky.network"


class JetstreamOptions(ConnectorOptions):
    require_terms: bool = True                  # the firehose is everything: keep the brand's posts only
    langs: list[str] = []                       # keep only posts tagged with one of these, e.g. ["fa", "ar"]
    rewind: float = Field(5, ge=0)              # seconds replayed on reconnect
    checkpoint_every: int = Field(1000, ge=1)   # events between cursor-only batches
    fetch_seconds: float = Field(10, gt=0)
    reconnect_delay: float = Field(2, ge=0)
    idle_timeout: float = Field(60, gt=0)


class JetstreamConnector(Connector):
    kind = "bluesky_jetstream"
    Options = JetstreamOptions

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections = 0
        self.last_error: str | None = None     # why the last connection failed; None while connected

    async def fetch(self, session, cursor):
        mentions, last = [], dict(cursor or {})
        gen = self.stream(session, cursor)
        try:
            async with asyncio.timeout(self.options.fetch_seconds):
                async for batch in gen:
                    mentions.extend(batch.mentions)
                    last = batch.cursor
        except TimeoutError:
            pass
        finally:
            await gen.aclose()
        if self.last_error and not mentions:
            raise TransientError(self.last_error)   # an empty result must not hide a dead connection
        return Batch(mentions, last)

    async def stream(self, session: aiohttp.ClientSession, cursor: dict | None) -> AsyncIterator[Batch]:
        if self.matcher is None:    # a failing source, not a crashed daemon (STYLE 6)
            raise SourceError("Jetstream needs brand terms or `match`: the whole firehose is not a queue")
        done = (cursor or {}).get("time_us")
        while True:
            try:
                async for batch in self._listen(session, done):
                    done = batch.cursor["time_us"]
                    yield batch
            except TransientError as exc:
                self.last_error = str(exc)
                await asyncio.sleep(self.options.reconnect_delay)

    async def _listen(self, session, done: int | None) -> AsyncIterator[Batch]:
        params = {"wantedCollections": "app.bsky.feed.post"}
        if done:
            params["cursor"] = str(int(done - self.options.rewind * 1_000_000))
        base = (self.options.base_url or JETSTREAM).rstrip("/")
        self.connections += 1
        since_checkpoint = 0
        try:
            async with session.ws_connect(f"{base}/subscribe", params=params, headers={"User-Agent": USER_AGENT},
                                          heartbeat=30, max_msg_size=self.options.max_bytes,
                                          timeout=aiohttp.ClientWSTimeout(ws_receive=self.options.idle_timeout)) as ws:
                self.last_error = None
                async for msg in ws:
                    if msg.type != aiohttp.WSMsgType.TEXT:
                        break
                    event = _event(msg.data)
                    t = event.get("time_us") if event else None
                    if not isinstance(t, int) or (done and t <= done):
                        continue                  # replayed by the rewind, or not an event at all
                    done, since_checkpoint = t, since_checkpoint + 1
                    mention = self._mention(event)
                    if mention is not None:
                        since_checkpoint = 0
                        yield Batch([mention], {"time_us": t})
                    elif since_checkpoint >= self.options.checkpoint_every:
                        since_checkpoint = 0
                        yield Batch([], {"time_us": t})
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise TransientError(f"Jetstream connection failed: {exc.__class__.__name__}") from exc
        raise TransientError("Jetstream closed the connection")

    def _mention(self, event: dict) -> Mention | None:
        commit = event.get("commit") or {}
        record = commit.get("record") or {}
        if event.get("kind") != "commit" or commit.get("operation") != "create" \
                or commit.get("collection") != "app.bsky.feed.post" or not isinstance(record, dict):
            return None
        text, langs = record.get("text"), record.get("langs") or []
        if not isinstance(text, str) or (self.options.langs and not set(langs) & set(self.options.langs)):
            return None
        if not self.matcher.matches(text):
            return None
        did, rkey = str(event.get("did", "")), str(commit.get("rkey", ""))
        seen_at = datetime.fromtimestamp(event["time_us"] / 1_000_000, tz=timezone.utc)
        reply = record.get("reply") or {}
        return Mention(
            source=self.name, native_id=f"at://{did}/app.bsky.feed.post/{rkey}", text=text, kind=self.kind,
            url=f"https://bsky.app/profile/{did}/post/{rkey}",
            published_at=_created(record.get("createdAt"), seen_at), author=Author(handle=did),
            lang=langs[0] if langs and isinstance(langs[0], str) else None,
            thread_id=(reply.get("root") or {}).get("uri"), reply_to=(reply.get("parent") or {}).get("uri"),
            raw=json.dumps(event, ensure_ascii=False)[:RAW_CAP], fetched_at=self.clock.now(),
        )


def _event(data: str) -> dict | None:
    try:
        event = json.loads(data)
    except json.JSONDecodeError:
        return None
    return event if isinstance(event, dict) else None


def _created(text, seen_at: datetime) -> datetime:
    """The client's createdAt, but never later than when the network saw the post."""
    try:
        created = parse_iso(text) if isinstance(text, str) else None
    except ValueError:
        created = None
    return min(created, seen_at) if created else seen_at
