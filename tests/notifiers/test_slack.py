"""Slack incoming webhook with Block Kit: customer text can ping nobody, and an outage loses nothing."""
from __future__ import annotations

from aiohttp import web
from pydantic import SecretStr

from monitor.clock import FakeClock
from monitor.notifiers.chat import SlackNotifier, ChatWebhookOptions, slack_payload
from monitor.notifiers.outbox import OutboxSender
from tests.notifiers.receivers import T0, Receiver, message, store_with_alerts


def test_customer_text_cannot_ping_or_link():
    payload = slack_payload(message())
    mrkdwn = payload["text"] + payload["blocks"][0]["text"]["text"]
    assert "<!here>" not in mrkdwn and "&lt;!here&gt;" in mrkdwn
    assert payload["blocks"][1]["text"]["type"] == "plain_text", "the post itself is shown literally"
    assert "<http://127.0.0.1:8080/alerts/7|Open alert #7>" in payload["blocks"][2]["elements"][0]["text"]
    assert "25m left" in payload["text"]


def test_long_text_is_capped_to_fit_a_block():
    payload = slack_payload(message("x" * 10_000))
    assert len(payload["blocks"][1]["text"]["text"]) <= 3000


async def test_slack_outage_then_recovery_in_deadline_order(serve, session, tmp_path):
    receiver = Receiver(statuses=[500, 429])
    app = web.Application()
    app.router.add_post("/services/T/B/X", receiver.handle)
    server = await serve(app)
    store = store_with_alerts(tmp_path, "slack", [5, 40, 20])
    clock = FakeClock(T0)
    sender = OutboxSender(SlackNotifier("slack", ChatWebhookOptions(webhook_url=SecretStr(f"{server.url}/services/T/B/X"))),
                          store, session, clock, "http://127.0.0.1:8080")
    assert await sender.deliver_due() == 0
    clock.advance(3600)   # an hour down, in simulated time
    assert await sender.deliver_due() == 0
    clock.advance(3600)
    assert await sender.deliver_due() == 3
    bodies = [r["body"]["blocks"][1]["text"]["text"] for r in receiver.accepted]
    assert bodies == ["complaint 1", "complaint 2", "complaint 0"]
