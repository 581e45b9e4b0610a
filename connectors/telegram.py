"""Telegram: a bot's getUpdates long poll (groups, and channels where the bot is an admin).

The cursor is the next update offset; asking with it confirms everything before, so a restart
neither repeats nor skips. Errors come as {"ok": false, "error_code", "description", "parameters":
{"retry_after"}}: 429 carries its wait in the body, 409 means another poller or a webhook is set.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from pydantic import Field, SecretStr

from connectors.base import Connector, ConnectorOptions
from connectors.errors import AuthError, BadResponse, RateLimited, SourceError, TransientError
from connectors.http import request
from connectors.jsonbody import parse_json
from monitor.models import RAW_CAP, Author, Batch, Mention

API = "https://api.telegram.org"
UPDATE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post")


class TelegramBotOptions(ConnectorOptions):
    token: SecretStr
    long_poll: int = Field(25, ge=0, le=50)   # seconds Telegram holds the request open when idle
    chats: list[str] = []                     # chat usernames or ids to keep; empty keeps all the bot sees
    require_terms: bool = False               # a support group is about the brand already


class TelegramBotConnector(Connector):
    kind = "telegram_bot"
    Options = TelegramBotOptions

    async def fetch(self, session, cursor):
        offset = (cursor or {}).get("offset")
        params = {"timeout": str(self.options.long_poll), "allowed_updates": json.dumps(list(UPDATE_KINDS))}
        if offset is not None:
            params["offset"] = str(offset)
        token = self.options.token.get_secret_value()
        url = f"{(self.options.base_url or API).rstrip('/')}/bot{token}/getUpdates"
        resp = await request(session, "GET", url, params=params, timeout=self.timeout + self.options.long_poll,
                             max_bytes=self.options.max_bytes, ok=(200, 400, 401, 403, 404, 409, 429, 500, 502))
        body = parse_json(resp)
        if not body.get("ok"):
            raise _error(resp.status, body)
        updates = body.get("result") or []
        if not isinstance(updates, list):
            raise BadResponse("getUpdates result is not a list")
        mentions = [m for u in updates if (m := self._mention(u, first_run=offset is None)) is not None]
        next_offset = max((u.get("update_id", 0) for u in updates), default=(offset or 1) - 1) + 1
        return Batch(mentions, {"offset": next_offset} if updates or offset is not None else None)

    def _mention(self, update: dict, first_run: bool) -> Mention | None:
        kind = next((k for k in UPDATE_KINDS if k in update), None)
        msg = update.get(kind) if kind else None
        if not isinstance(msg, dict):
            return None
        text = msg.get("text") or msg.get("caption") or ""
        chat = msg.get("chat") or {}
        if not text or not self._wanted(chat):
            return None
        published = datetime.fromtimestamp(int(msg.get("date", 0)), tz=timezone.utc)
        if first_run and self.too_old(published, None):
            return None
        if not self.keeps(text):
            return None
        return Mention(
            source=self.name, native_id=f"{chat.get('id')}:{msg.get('message_id')}", text=text,
            url=message_url(chat, msg.get("message_id")), author=_author(msg, chat), published_at=published,
            # A group is one long conversation, not a thread: only a reply chain is.
            thread_id=_reply_to(msg), kind=self.kind, fetched_at=self.clock.now(),
            reply_to=_reply_to(msg), raw=json.dumps(update, ensure_ascii=False)[:RAW_CAP],
        )

    def _wanted(self, chat: dict) -> bool:
        if not self.options.chats:
            return True
        names = {str(chat.get("id")), str(chat.get("username") or "").lower(), f"@{chat.get('username') or ''}".lower()}
        return any(c.lower() in names for c in self.options.chats)


def message_url(chat: dict, message_id) -> str:
    """Public chats have t.me links; private groups have none that a stranger could open."""
    username = chat.get("username")
    return f"https://t.me/{username}/{message_id}" if username else ""


def _author(msg: dict, chat: dict) -> Author:
    sender = msg.get("from") or {}
    if sender:
        name = " ".join(p for p in (sender.get("first_name"), sender.get("last_name")) if p)
        return Author(handle=sender.get("username") or str(sender.get("id", "")), name=name)
    sender_chat = msg.get("sender_chat") or chat
    return Author(handle=sender_chat.get("username") or "", name=msg.get("author_signature") or sender_chat.get("title", ""))


def _reply_to(msg: dict) -> str | None:
    reply = msg.get("reply_to_message")
    if isinstance(reply, dict) and "message_id" in reply:
        return f"{(reply.get('chat') or msg.get('chat') or {}).get('id')}:{reply['message_id']}"
    return None


def _error(status: int, body: dict) -> SourceError:
    code = body.get("error_code", status)
    description = str(body.get("description", ""))[:200]
    if code == 429:
        return RateLimited(f"Telegram 429: {description}", (body.get("parameters") or {}).get("retry_after"))
    if code in (401, 403, 404):
        return AuthError(f"Telegram {code}: {description} (check the bot token)")
    if code == 409:
        return SourceError(f"Telegram 409: {description} (another poller or a webhook is using this bot)")
    if code >= 500:
        return TransientError(f"Telegram {code}: {description}")
    return BadResponse(f"Telegram {code}: {description}")
