"""The signed webhook notifier and the outbox, against a local receiver that fails and comes back."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

from aiohttp import web
from pydantic import SecretStr

from monitor.clock import FakeClock
from monitor.models import Mention, Verdict
from monitor.notifiers.outbox import OutboxSender
from monitor.notifiers.webhook import WebhookNotifier, WebhookOptions
from monitor.store import Store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
SECRET = "whsec_" + base64.b64encode(b"test-key").decode()


class Receiver:
    """Answers with the scripted statuses, then 200; records what it accepted."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.accepted: list[tuple[dict, dict]] = []

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.statuses:
            return web.Response(status=self.statuses.pop(0))
        self.accepted.append((dict(request.headers), json.loads(body)))
        self.check_signature(request.headers, body)
        return web.Response(status=204)

    @staticmethod
    def check_signature(headers, body: bytes) -> None:
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        expected = base64.b64encode(hmac.new(b"test-key", signed, hashlib.sha256).digest()).decode()
        assert headers["webhook-signature"] == f"v1,{expected}"


async def setup(serve, session, tmp_path, receiver):
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    server = await serve(app)
    store = Store(tmp_path / "m.db")
    store.ensure_source("feed", "rss")
    notifier = WebhookNotifier("hook", WebhookOptions(url=f"{server.url}/hook", secret=SecretStr(SECRET)))
    clock = FakeClock(T0)
    return store, OutboxSender(notifier, store, session, clock, "http://127.0.0.1:8080"), clock


def add_alerts(store, minutes_ago_and_text):
    mentions = [Mention(source="feed", native_id=str(i), text=text, published_at=T0 - timedelta(minutes=ago))
                for i, (ago, text) in enumerate(minutes_ago_and_text)]
    store.save_poll("feed", mentions, None, {}, T0, T0)
    for m in store.unprocessed():
        store.save_verdict(m, Verdict(complaint=True, rules=["r"]), T0, ["hook"])


async def test_alerts_arrive_signed_with_the_alert_and_text(serve, session, tmp_path):
    receiver = Receiver()
    store, sender, _ = await setup(serve, session, tmp_path, receiver)
    add_alerts(store, [(5, "<!channel> my order never arrived")])
    assert await sender.deliver_due() == 1
    [(headers, body)] = receiver.accepted
    assert body["type"] == "alert.created"
    assert body["mention"]["text"] == "<!channel> my order never arrived"
    assert body["link"] == "http://127.0.0.1:8080/alerts/1"
    assert body["time_left_seconds"] == 55 * 60
    assert headers["Idempotency-Key"] == headers["webhook-id"] == "hook:1:1"


async def test_a_receiver_that_is_down_loses_nothing_doubles_nothing_and_keeps_deadline_order(serve, session, tmp_path):
    receiver = Receiver(statuses=[503, 503, 429])
    store, sender, clock = await setup(serve, session, tmp_path, receiver)
    add_alerts(store, [(1, "late parcel"), (50, "refund please"), (20, "broken kettle")])
    for _ in range(3):
        assert await sender.deliver_due() == 0, "stops at the first failure so order holds"
        clock.advance(3600)
    assert await sender.deliver_due() == 3
    assert await sender.deliver_due() == 0
    texts = [body["mention"]["text"] for _, body in receiver.accepted]
    assert texts == ["refund please", "broken kettle", "late parcel"], "most urgent deadline first"
    keys = [h["Idempotency-Key"] for h, _ in receiver.accepted]
    assert len(set(keys)) == 3
    row = store.rows("SELECT attempts, state FROM deliveries ORDER BY due_at LIMIT 1")[0]
    assert row == {"attempts": 4, "state": "sent"}


async def test_a_4xx_is_not_retried_forever(serve, session, tmp_path):
    receiver = Receiver(statuses=[400])
    store, sender, _ = await setup(serve, session, tmp_path, receiver)
    add_alerts(store, [(1, "late parcel")])
    await sender.deliver_due()
    row = store.rows("SELECT state, last_error FROM deliveries")[0]
    assert row == {"state": "failed", "last_error": "HTTP 400"}


async def test_a_slow_receiver_times_out_and_the_delivery_is_retried_once_it_answers(serve, session, tmp_path):
    import asyncio
    state = {"slow": True}
    accepted: list[str] = []

    async def handle(request):
        if state["slow"]:
            await asyncio.sleep(2)
        accepted.append(request.headers["Idempotency-Key"])
        return web.Response(status=204)
    app = web.Application()
    app.router.add_post("/hook", handle)
    server = await serve(app)
    store = Store(tmp_path / "m.db")
    store.ensure_source("feed", "rss")
    clock = FakeClock(T0)
    notifier = WebhookNotifier("hook", WebhookOptions(url=f"{server.url}/hook", timeout=0.3))
    sender = OutboxSender(notifier, store, session, clock, "http://127.0.0.1:8080")
    add_alerts(store, [(1, "late parcel")])
    assert await sender.deliver_due() == 0
    assert "TimeoutError" in store.rows("SELECT last_error FROM deliveries")[0]["last_error"]
    state["slow"] = False
    clock.advance(3600)
    assert await sender.deliver_due() == 1
    assert store.rows("SELECT state FROM deliveries")[0]["state"] == "sent"
