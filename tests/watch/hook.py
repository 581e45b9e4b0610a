"""A local webhook receiver and the outbox sender pointed at it: what a notice looks like on the wire."""
from __future__ import annotations

from aiohttp import web

from monitor.notifiers.outbox import OutboxSender
from monitor.notifiers.webhook import WebhookNotifier, WebhookOptions
from tests.notifiers.receivers import Receiver

LINK_BASE = "http://127.0.0.1:8080"


async def webhook_outbox(serve, store, session, clock) -> tuple[OutboxSender, list[dict]]:
    """The sender, and the list the receiver fills with each JSON body it accepts."""
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    server = await serve(app)
    sender = OutboxSender(WebhookNotifier("hook", WebhookOptions(url=f"{server.url}/hook")), store, session, clock,
                          LINK_BASE)
    return sender, receiver.accepted
