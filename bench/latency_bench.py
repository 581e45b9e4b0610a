"""Detection latency, end to end, in real time through the real daemon:

    published at the source -> alert on the queue -> notification received

A local world (its own thread and event loop, so the daemon's work cannot delay publication)
publishes complaints at random moments over a few minutes through two real wire formats:
an RSS feed polled every 30 s by the RSS connector, and a Mastodon hashtag stream (server-sent
events) read by the mastodon_stream connector. The daemon is the real one (scheduler, pipeline
with the default rules, SQLite in WAL mode, noise gate, outbox) with a webhook notifier pointing
at the world's receiver. Alerts are seen on the queue by a separate SQLite reader every 20 ms.

    python bench/latency_bench.py            # 50 samples per source, about 5 minutes
    python bench/latency_bench.py --quick    # 20 samples per source, about 2 minutes

Targets: streaming p95 < 2 s; polling p95 < interval + 2 s.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import random
import re
import sqlite3
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.config import load_settings  # noqa: E402
from monitor.daemon import Daemon  # noqa: E402
from monitor.httpserve import serve  # noqa: E402

TEMPLATES = [
    "@acme my order {ref} never arrived and support does not answer",
    "@acme charged me twice for order {ref}, I want a refund now",
    "acme app crashes every time I try to pay, order {ref} stuck",
    "still waiting for my acme refund for order {ref}, terrible service",
]
REF = re.compile(r"\b([PS]\d+)\b")


class World:
    """The outside world: a feed, a Mastodon instance that streams, and a webhook receiver."""

    def __init__(self, poll_at: list[float], stream_at: list[float]):
        self.t0 = time.time() + 2.0        # the daemon has two seconds to start before anything is posted
        self.poll_at = poll_at
        self.stream_at = stream_at
        self.statuses: list[dict] = []     # published Mastodon statuses, oldest first
        self.listeners: set[asyncio.Queue] = set()
        # A polled item's publication time is the moment it appears in the feed, fixed in advance.
        self.published: dict[str, float] = {f"P{n}": self.t0 + at for n, at in enumerate(poll_at)}
        self.notified: dict[str, float] = {}
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.url = ""

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()
        self.ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.router.add_get("/feed", self.feed)
        app.router.add_get("/api/v1/timelines/tag/{tag}", self.timeline)
        app.router.add_get("/api/v1/streaming/hashtag", self.stream)
        app.router.add_post("/hook", self.hook)
        _, self.url = self.loop.run_until_complete(serve(app, "127.0.0.1", 0))
        self.loop.create_task(self.publish_stream())
        self.ready.set()
        self.loop.run_forever()

    @staticmethod
    def text(ref: str, n: int) -> str:
        return TEMPLATES[n % len(TEMPLATES)].format(ref=ref)

    async def feed(self, request: web.Request) -> web.Response:
        """Items appear at their scheduled moment: that moment is their publication time."""
        now, items = time.time(), []
        for n, offset in enumerate(self.poll_at):
            at = self.t0 + offset
            if at <= now:
                ref = f"P{n}"
                stamp = format_datetime(datetime.fromtimestamp(at, timezone.utc), usegmt=True)
                items.append(f"<item><guid>poll-{n}</guid><title>{self.text(ref, n)}</title>"
                             f"<author>customer{n}@example.com (poll_customer_{n})</author>"
                             f"<pubDate>{stamp}</pubDate></item>")
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>acme</title>{"".join(items)}</channel></rss>'
        return web.Response(text=body, content_type="application/rss+xml")

    async def publish_stream(self) -> None:
        for n, offset in sorted(enumerate(self.stream_at), key=lambda x: x[1]):
            await asyncio.sleep(max(0.0, self.t0 + offset - time.time()))
            ref = f"S{n}"
            status = self.status(1000 + len(self.statuses) + 1, ref, n)
            self.statuses.append(status)
            self.published[ref] = time.time()
            for queue in list(self.listeners):
                queue.put_nowait(status)

    @staticmethod
    def status(sid: int, ref: str, n: int) -> dict:
        return {"id": str(sid), "uri": f"https://social.example/statuses/{sid}", "url": f"https://social.example/@u/{sid}",
                "created_at": datetime.now(timezone.utc).isoformat(), "content": f"<p>{World.text(ref, n)}</p>",
                "spoiler_text": "", "language": "en", "reblog": None,
                "account": {"acct": f"stream_customer_{n}@social.example", "display_name": f"Customer {n}",
                            "followers_count": 10}}

    async def timeline(self, request: web.Request) -> web.Response:
        """The catch-up path: min_id gives the statuses right after it, newest first."""
        min_id = int(request.query.get("min_id", 0))
        page = [s for s in self.statuses if int(s["id"]) > min_id][:40]
        return web.json_response(list(reversed(page)))

    async def stream(self, request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        queue: asyncio.Queue = asyncio.Queue()
        self.listeners.add(queue)
        try:
            while True:
                try:
                    status = await asyncio.wait_for(queue.get(), 15)
                except asyncio.TimeoutError:
                    await resp.write(b":thump\n\n")
                    continue
                await resp.write(f"event: update\ndata: {json.dumps(status)}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            return resp
        finally:
            self.listeners.discard(queue)

    async def hook(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("type") == "alert.created":
            match = REF.search(body["mention"]["text"])
            if match:
                self.notified.setdefault(match.group(1), time.time())
        return web.Response(status=204)


class QueueWatcher(threading.Thread):
    """Sees each alert arrive on the queue, from its own SQLite connection, every 20 ms."""

    def __init__(self, db: Path):
        super().__init__(daemon=True)
        self.db = db
        self.seen: dict[str, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.db.exists() and not self.stop.is_set():
            time.sleep(0.02)
        conn = sqlite3.connect(self.db, timeout=1)
        last = 0
        while not self.stop.is_set():
            try:
                rows = conn.execute("SELECT a.id, m.text FROM alerts a JOIN mentions m ON m.id = a.mention_id "
                                    "WHERE a.id > ? ORDER BY a.id", (last,)).fetchall()
            except sqlite3.OperationalError:   # the schema is still being created
                rows = []
            now = time.time()
            for alert_id, text in rows:
                last = alert_id
                match = REF.search(text)
                if match:
                    self.seen.setdefault(match.group(1), now)
            time.sleep(0.02)


def settings(world: World, db: Path, interval: int, jitter: float) -> str:
    return f"""
store: {{path: {db}}}
web: {{enabled: false}}
brands: [{{name: Acme, terms: [acme]}}]
sources:
  - {{name: feed, kind: rss, url: "{world.url}/feed", interval: {interval}, jitter: {jitter}}}
  - {{name: stream, kind: mastodon_stream, instance: "{world.url}", hashtag: acme, reconnect_delay: 1}}
notifiers:
  - {{name: receiver, kind: webhook, url: "{world.url}/hook"}}
rule_files: [{ROOT / "rules" / "default_rules.yaml"}]
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def report(name: str, refs: list[str], world: World, watcher: QueueWatcher, target: float) -> bool:
    queued = [watcher.seen[r] - world.published[r] for r in refs if r in watcher.seen and r in world.published]
    notified = [world.notified[r] - world.published[r] for r in refs if r in world.notified and r in world.published]
    missing = len(refs) - len(notified)
    print(f"\n{name}: {len(refs)} published, {len(queued)} on the queue, {len(notified)} notified"
          + (f", {missing} MISSING" if missing else ""))
    ok = True
    for label, values in (("publish -> queue", queued), ("publish -> notified", notified)):
        if not values:
            print(f"  {label:<20} no samples")
            ok = False
            continue
        p50, p95, p99 = (percentile(values, p) for p in (50, 95, 99))
        print(f"  {label:<20} p50 {p50:7.3f} s   p95 {p95:7.3f} s   p99 {p99:7.3f} s   max {max(values):7.3f} s")
    if notified:
        p95 = percentile(notified, 95)
        ok = ok and p95 < target and not missing
        print(f"  target p95 (notified) < {target:.0f} s: {'met' if p95 < target else 'MISSED'} ({p95:.2f} s)")
    return ok


async def run(args) -> int:
    rng = random.Random(args.seed)
    poll_at = sorted(rng.uniform(0, args.spread) for _ in range(args.samples))
    stream_at = sorted(rng.uniform(0, args.stream_spread) for _ in range(args.samples))
    world = World(poll_at, stream_at)
    world.start()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "latency.db"
        config = Path(tmp) / "settings.yaml"
        config.write_text(settings(world, db, args.interval, args.jitter))
        watcher = QueueWatcher(db)
        watcher.start()
        daemon = Daemon(load_settings(config))
        task = asyncio.create_task(daemon.run())
        end = world.t0 + max(args.spread, args.stream_spread) + args.interval * (1 + args.jitter) + 5
        print(f"publishing {args.samples} polled and {args.samples} streamed complaints; "
              f"running until {time.strftime('%H:%M:%S', time.localtime(end))}", flush=True)
        while time.time() < end:
            await asyncio.sleep(1)
        daemon.stop.set()
        await task
        watcher.stop.set()
        watcher.join(2)
    print(f"\nmachine: {os.cpu_count()} cores; RSS interval {args.interval} s, jitter ±{args.jitter:.0%}; "
          f"the real daemon in one process, alerts seen on the queue by a separate reader every 20 ms")
    ok = report("streaming (mastodon_stream, SSE)", [f"S{n}" for n in range(args.samples)], world, watcher, 2.0)
    ok &= report(f"polling (rss, every {args.interval} s)", [f"P{n}" for n in range(args.samples)], world, watcher,
                 args.interval + 2.0)
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="20 samples per source over 90 s")
    ap.add_argument("--samples", type=int, default=50)
    ap.add_argument("--spread", type=float, default=240, help="seconds over which polled complaints are published")
    ap.add_argument("--stream-spread", type=float, default=120)
    ap.add_argument("--interval", type=int, default=30)
    ap.add_argument("--jitter", type=float, default=0.1, help="the daemon's default: ±10%% of the interval")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if args.quick:
        args.samples, args.spread, args.stream_spread = 20, 90, 40
    logging.basicConfig(level=logging.ERROR)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
