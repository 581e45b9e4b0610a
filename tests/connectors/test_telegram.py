"""Telegram bot getUpdates against a local server speaking the Bot API (offsets, ok:false errors)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from aiohttp import web
from pydantic import SecretStr

from connectors.errors import AuthError, BadResponse, RateLimited, SourceError, TransientError
from connectors.telegram import TelegramBotConnector, TelegramBotOptions
from monitor.clock import FakeClock

NOW = datetime(2026, 8, 3, 20, 30, tzinfo=timezone.utc)
TOKEN = "123456:ABC-secret"


def update(update_id, message_id, text, *, kind="message", username="acme_support_group", date=None):
    chat = {"id": -1001241558182, "title": "Acme support", "type": "supergroup", "username": username}
    msg = {"message_id": message_id, "chat": chat, "date": date or int(NOW.timestamp()) - 60, "text": text}
    if kind == "message":
        msg["from"] = {"id": 42, "is_bot": False, "first_name": "Sara", "username": "sara_k", "language_code": "fa"}
    else:
        msg["author_signature"] = "Jun"
    return {"update_id": update_id, kind: msg}


class BotApi:
    """Holds updates until confirmed by a higher offset, as Telegram does."""

    def __init__(self, updates, fail=None):
        self.updates = list(updates)
        self.fail = fail
        self.offsets = []

    async def get_updates(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        if self.fail:
            status, body, ctype = self.fail
            return web.Response(status=status, text=body, content_type=ctype)
        offset = int(request.query.get("offset", 0))
        self.offsets.append(offset)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        assert json.loads(request.query["allowed_updates"])[0] == "message"
        return web.json_response({"ok": True, "result": self.updates[:100]})


async def start(serve, api):
    app = web.Application()
    app.router.add_get("/bot{token}/getUpdates", api.get_updates)
    return await serve(app)


def connector(url, token=TOKEN, **options):
    return TelegramBotConnector("tg", TelegramBotOptions(base_url=url, token=SecretStr(token), long_poll=0, **options),
                                brand_terms=["acme"], timeout=2, clock=FakeClock(NOW))


async def test_updates_become_mentions_and_the_offset_confirms_them(serve, session):
    api = BotApi([update(500676844, 21, "سفارشم هنوز نرسیده"),
                  update(500676845, 22, "channel news", kind="channel_post", username="acme_news")])
    server = await start(serve, api)
    c = connector(server.url)
    batch = await c.fetch(session, None)
    assert batch.cursor == {"offset": 500676846}
    first, second = batch.mentions
    assert first.native_id == "-1001241558182:21" and first.text == "سفارشم هنوز نرسیده"
    assert first.url == "https://t.me/acme_support_group/21"
    assert (first.author.handle, first.author.name) == ("sara_k", "Sara")
    assert first.published_at == datetime(2026, 8, 3, 20, 29, tzinfo=timezone.utc)
    assert second.author.name == "Jun"
    again = await c.fetch(session, batch.cursor)
    assert again.mentions == [] and api.offsets[-1] == 500676846 and again.cursor == {"offset": 500676846}


async def test_a_burst_larger_than_one_page_is_drained_over_polls(serve, session):
    api = BotApi([update(1000 + i, i, f"acme message {i}") for i in range(150)])
    server = await start(serve, api)
    c = connector(server.url)
    first = await c.fetch(session, None)
    second = await c.fetch(session, first.cursor)
    ids = [m.native_id for m in first.mentions + second.mentions]
    assert len(ids) == 150 and len(set(ids)) == 150


async def test_chats_filter_and_brand_terms(serve, session):
    api = BotApi([update(1, 1, "acme is late"), update(2, 2, "unrelated"), update(3, 3, "acme", username="other")])
    server = await start(serve, api)
    batch = await connector(server.url, chats=["@acme_support_group"], require_terms=True).fetch(session, None)
    assert [m.text for m in batch.mentions] == ["acme is late"]


async def test_first_run_skips_old_updates(serve, session):
    api = BotApi([update(1, 1, "old", date=int(NOW.timestamp()) - 3 * 86400), update(2, 2, "new")])
    server = await start(serve, api)
    assert [m.text for m in (await connector(server.url).fetch(session, None)).mentions] == ["new"]


ERRORS = {
    "429 with retry_after in the body": ((429, json.dumps({"ok": False, "error_code": 429, "description":
                                          "Too Many Requests: retry after 35", "parameters": {"retry_after": 35}}),
                                          "application/json"), RateLimited, "retry after 35"),
    "409 conflict": ((409, json.dumps({"ok": False, "error_code": 409, "description": "Conflict: terminated by "
                                       "other getUpdates request"}), "application/json"), SourceError, "another poller"),
    "5xx": ((502, json.dumps({"ok": False, "error_code": 502, "description": "Bad Gateway"}), "application/json"),
            TransientError, "502"),
    "html instead of json": ((200, "<html>blocked</html>", "text/html"), BadResponse, "expected JSON"),
    "truncated json": ((200, '{"ok": true, "result": [', "application/json"), BadResponse, "malformed JSON"),
}


@pytest.mark.parametrize("case", ERRORS, ids=list(ERRORS))
async def test_errors_in_the_bot_api_dialect(serve, session, case):
    fail, error, text = ERRORS[case]
    server = await start(serve, BotApi([], fail=fail))
    with pytest.raises(error, match=text) as info:
        await connector(server.url).fetch(session, {"offset": 5})
    if error is RateLimited:
        assert info.value.retry_after == 35


async def test_a_wrong_token_is_an_auth_error_that_never_shows_the_token(serve, session):
    server = await start(serve, BotApi([]))
    with pytest.raises(AuthError) as info:
        await connector(server.url, token="999:wrong-secret").fetch(session, None)
    assert "wrong-secret" not in str(info.value)


async def test_an_oversized_body_is_refused(serve, session):
    server = await start(serve, BotApi([update(i, i, "x" * 4000) for i in range(100)]))
    with pytest.raises(BadResponse, match="cap"):
        await connector(server.url, max_bytes=100_000).fetch(session, None)
