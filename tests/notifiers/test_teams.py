"""Microsoft Teams workflow webhook with an Adaptive Card."""
from __future__ import annotations

from aiohttp import web
from pydantic import SecretStr

from monitor.notifiers.chat import TeamsNotifier, ChatWebhookOptions, teams_payload
from tests.notifiers.receivers import Receiver, message


def test_card_shows_the_alert_and_escapes_markdown():
    card = teams_payload(message())["attachments"][0]["content"]
    title, text = card["body"][0]["text"], card["body"][1]["text"]
    assert "HIGH" not in title and "high" in title and "25m left" in title
    assert "[click](javascript" not in text and "\\[click\\]\\(javascript" in text
    assert card["actions"][0]["url"] == "http://127.0.0.1:8080/alerts/7"


async def test_posts_the_card(serve, session):
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/workflows/abc", receiver.handle)
    server = await serve(app)
    await TeamsNotifier("teams", ChatWebhookOptions(webhook_url=SecretStr(f"{server.url}/workflows/abc"))).send(
        session, message("my bag is lost"))
    [got] = receiver.accepted
    assert got["body"]["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
