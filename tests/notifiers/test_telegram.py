"""Telegram sendMessage with parse_mode HTML: customer text is escaped so no tag can break the message."""
from __future__ import annotations

from aiohttp import web
from pydantic import SecretStr

from monitor.notifiers.base import DeliveryError
from monitor.notifiers.chat import TelegramNotifier, TelegramNotifyOptions, telegram_payload
from tests.notifiers.receivers import Receiver, message


def test_html_is_escaped():
    text = telegram_payload(message(), "-100123")["text"]
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<b>bold</b>" not in text and "&lt;b&gt;bold&lt;/b&gt;" in text
    assert text.startswith("<b>CREATED") and '<a href="http://127.0.0.1:8080/alerts/7">' in text


async def test_sends_to_the_group_through_the_bot_api(serve, session):
    receiver = Receiver(answer={"ok": True, "result": {"message_id": 1}})
    app = web.Application()
    app.router.add_post("/bot{token}/sendMessage", receiver.handle)
    server = await serve(app)
    notifier = TelegramNotifier("tg", TelegramNotifyOptions(token=SecretStr("1:abc"), chat_id="-100123",
                                                            base_url=server.url))
    await notifier.send(session, message("سفارشم هنوز نرسیده"))
    [got] = receiver.accepted
    assert got["path"] == "/bot1:abc/sendMessage" and got["body"]["parse_mode"] == "HTML"
    assert "سفارشم هنوز نرسیده" in got["body"]["text"] and got["body"]["chat_id"] == "-100123"


async def test_a_429_is_retried_later_and_a_400_is_not(serve, session):
    receiver = Receiver(statuses=[429, 400])
    app = web.Application()
    app.router.add_post("/bot{token}/sendMessage", receiver.handle)
    server = await serve(app)
    notifier = TelegramNotifier("tg", TelegramNotifyOptions(token=SecretStr("1:abc"), chat_id="1", base_url=server.url))
    for retry in (True, False):
        try:
            await notifier.send(session, message())
        except DeliveryError as exc:
            assert exc.retry is retry
        else:
            raise AssertionError("expected a failure")
