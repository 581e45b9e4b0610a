"""Local stand-ins for chat services: record what they accept, fail on demand, like the real ones."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from aiohttp import web

from monitor.models import Mention, Verdict
from monitor.notifiers.base import Message
from monitor.store import Store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
HOSTILE = "<!channel> <@U123> <b>bold</b> [click](javascript:alert(1)) & \u202eevil \n<script>x</script>"


class Receiver:
    def __init__(self, statuses=(), answer=None):
        self.statuses = list(statuses)
        self.answer = answer or {}
        self.accepted: list[dict] = []

    async def handle(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        if self.statuses:
            status = self.statuses.pop(0)
            return web.Response(status=status, headers={"Retry-After": "1"} if status == 429 else {})
        self.accepted.append({"path": request.path, "body": body})
        return web.json_response(self.answer)


def message(text: str = HOSTILE, author: str = "<!here>") -> Message:
    alert = {"id": 7, "priority": "high", "team": "support", "due_at": "2026-03-01T13:00:00Z", "rules": ["r"]}
    mention = {"source": "telegram", "author": {"handle": author, "name": ""}, "text": text}
    return Message("slack:7:1", "created", alert, mention, "http://127.0.0.1:8080/alerts/7", 25 * 60)


def store_with_alerts(tmp_path, notifier: str, ages_minutes: list[int]) -> Store:
    store = Store(tmp_path / "n.db")
    store.ensure_source("feed", "rss")
    mentions = [Mention(source="feed", native_id=str(i), text=f"complaint {i}", published_at=T0 - timedelta(minutes=a))
                for i, a in enumerate(ages_minutes)]
    store.save_poll("feed", mentions, None, {}, T0, T0)
    for m in store.unprocessed():
        store.save_verdict(m, Verdict(complaint=True), T0, [notifier])
    return store
