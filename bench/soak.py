"""Soak: 1,000 RSS sources on a local fake server and a steady stream of mentions, for a while.

    python bench/soak.py [--sources 1000] [--seconds 600] [--interval 5]

The fake world runs in a child process (so its memory and CPU are not counted as ours); the monitor
side is the real scheduler, pipeline, store and outbox (a webhook notifier) in this process. Each
source polls every `interval` seconds: 10 minutes at 5 s is 120 polls per source, the polling of
10 hours at a 5-minute interval. Prints memory at start and end, mentions per second, database size
and the delivery backlog.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from connectors.rss import RssConnector, RssOptions  # noqa: E402
from monitor.clock import SystemClock  # noqa: E402
from monitor.config import load_settings  # noqa: E402
from monitor.httpserve import serve  # noqa: E402
from monitor.notifiers.outbox import OutboxSender  # noqa: E402
from monitor.notifiers.webhook import WebhookNotifier, WebhookOptions  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from monitor.scheduler import SourceRunner  # noqa: E402
from monitor.store import Store  # noqa: E402

NEW_ITEM_EVERY = 30.0   # seconds between new items on each feed: ~33 mentions/s over 1,000 feeds


def world(port_queue, every: float) -> None:
    started = time.monotonic()
    texts = ["acme order {n} never arrived, still waiting", "love my new acme kettle {n}"]

    async def feed(request: web.Request) -> web.Response:
        source = request.match_info["n"]
        count = int((time.monotonic() - started) / every) + 1
        etag = f'"{count}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        items = "".join(f"<item><guid>{source}-{i}</guid><title>{texts[i % 2].format(n=i)}</title></item>"
                        for i in range(max(0, count - 20), count))   # a feed shows its latest 20
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>s</title>{items}</channel></rss>'
        return web.Response(text=body, content_type="application/rss+xml", headers={"ETag": etag})

    async def hook(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=204)

    async def main():
        app = web.Application()
        app.router.add_get("/feed/{n}", feed)
        app.router.add_post("/hook", hook)
        _, url = await serve(app, "127.0.0.1", 0)
        port_queue.put(urlsplit(url).port)
        await asyncio.Event().wait()
    asyncio.run(main())


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def soak(args, port: int, db: Path) -> None:
    base = f"http://127.0.0.1:{port}"
    config = load_settings(Path(__file__).resolve().parents[1] / "settings.yaml", check_examples=False)
    store = Store(db)
    clock = SystemClock()
    stop = asyncio.Event()
    connector = aiohttp.TCPConnector(limit=100)
    async with aiohttp.ClientSession(connector=connector) as session:
        pipeline = Pipeline(store, config.ruleset, ["hook"], clock)
        runners = [SourceRunner(RssConnector(f"s{i}", RssOptions(url=f"{base}/feed/{i}"), timeout=20, clock=clock),
                                store, session, interval=args.interval, jitter=0.2, max_interval=60, clock=clock,
                                on_new=pipeline.wakeup.set) for i in range(args.sources)]
        sender = OutboxSender(WebhookNotifier("hook", WebhookOptions(url=f"{base}/hook")), store, session, clock,
                              "http://127.0.0.1:8080")
        mem_start = rss_mb()
        started = time.monotonic()
        tasks = [asyncio.create_task(r.run_forever(stop)) for r in runners]
        tasks += [asyncio.create_task(pipeline.run_forever(stop)), asyncio.create_task(sender.run_forever(stop, 0.2))]
        mentions_start = 0
        while time.monotonic() - started < args.seconds:
            await asyncio.sleep(min(60, args.seconds))
            n = store.rows("SELECT COUNT(*) n FROM mentions")[0]["n"]
            print(f"  t={time.monotonic() - started:5.0f}s  rss={rss_mb():6.1f} MB  mentions={n}", flush=True)
            mentions_start = mentions_start or n
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        elapsed = time.monotonic() - started
    polls = store.rows("SELECT SUM(polls) p, SUM(failures) f FROM sources")[0]
    mentions = store.rows("SELECT COUNT(*) n FROM mentions")[0]["n"]
    backlog = store.rows("SELECT COUNT(*) n FROM deliveries WHERE state = 'pending'")[0]["n"]
    print(f"sources: {args.sources}, interval {args.interval}s, {elapsed:.0f}s wall")
    print(f"polls: {polls['p']} ({polls['p'] / elapsed:.0f}/s), failing sources at end: {polls['f']}")
    print(f"mentions: {mentions} ({mentions / elapsed:.1f}/s)")
    print(f"memory: {mem_start:.1f} MB at start, {rss_mb():.1f} MB at end")
    print(f"database: {db.stat().st_size / 1e6:.1f} MB; delivery backlog: {backlog}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--interval", type=float, default=5)
    args = ap.parse_args()
    q = multiprocessing.Queue()
    child = multiprocessing.Process(target=world, args=(q, NEW_ITEM_EVERY), daemon=True)
    child.start()
    port = q.get(timeout=20)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(soak(args, port, Path(tmp) / "soak.db"))
    finally:
        child.terminate()


if __name__ == "__main__":
    main()
