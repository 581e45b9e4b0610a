"""A fake outside world for whole-daemon tests, in a thread of its own so it outlives daemon kills:
an RSS feed that publishes a new item every `every` seconds and a webhook receiver that records
every delivery it accepts (by idempotency key, counting doubles).
"""
from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from email.utils import format_datetime

from aiohttp import web

from monitor.httpserve import serve

COMPLAINT = "@acme my order {n} never arrived and support does not answer"
PRAISE = "Thanks acme, order {n} came early and works great"


class World:
    def __init__(self, items: int = 40, every: float = 0.25):
        self.items = items
        self.every = every
        self.started = time.monotonic()
        self.received: Counter[str] = Counter()
        self.loop = asyncio.new_event_loop()
        self.url = ""
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "World":
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    def published(self) -> int:
        return min(self.items, int((time.monotonic() - self.started) / self.every) + 1)

    @staticmethod
    def is_complaint(n: int) -> bool:
        return n % 2 == 0

    def text(self, n: int) -> str:
        return (COMPLAINT if self.is_complaint(n) else PRAISE).format(n=n)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.router.add_get("/feed", self._feed)
        app.router.add_post("/hook", self._hook)
        _, self.url = self.loop.run_until_complete(serve(app, "127.0.0.1", 0))
        self._ready.set()
        self.loop.run_forever()

    async def _feed(self, request: web.Request) -> web.Response:
        now = format_datetime(datetime.now(timezone.utc), usegmt=True)
        items = "".join(f"<item><guid>item-{n}</guid><title>{self.text(n)}</title><pubDate>{now}</pubDate></item>"
                        for n in range(self.published()))
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>w</title>{items}</channel></rss>'
        return web.Response(text=body, content_type="application/rss+xml")

    async def _hook(self, request: web.Request) -> web.Response:
        await request.read()
        self.received[request.headers["Idempotency-Key"]] += 1
        return web.Response(status=204)


def settings_for(world: World, db: str) -> str:
    return f"""
store: {{path: {db}}}
web: {{port: 0}}
brands: [{{name: Acme, terms: [acme]}}]
sources:
  - {{name: world, kind: rss, url: "{world.url}/feed", interval: 1, jitter: 0.2}}
notifiers:
  - {{name: receiver, kind: webhook, url: "{world.url}/hook"}}
rule_files: [{_rules_path()}]
"""


def _rules_path() -> str:
    from pathlib import Path
    return str(Path(__file__).resolve().parents[2] / "rules" / "default_rules.yaml")
