"""Polling: one daemon process polls 1,000 sources on a local fake server.

    python bench/polling_bench.py [--sources 1000] [--mix]

Round 1 fetches every source; round 2 comes right after, when nothing has changed, so sources with
validators (RSS ETag/Last-Modified, YouTube ETag) should answer 304 everywhere. Without --mix all
sources are RSS feeds; with --mix they are split between RSS, YouTube, Hacker News, Mastodon and
Telegram channel previews, each served in its own dialect (bench/mixed_world.py). Prints each
round's time, requests per second, peak memory (ru_maxrss) and the share of 304 answers per kind.
The fake server runs in a child process, so its cost is not counted as ours.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402

from bench import mixed_world  # noqa: E402
from bench.soak import world  # noqa: E402
from connectors import CONNECTORS  # noqa: E402
from monitor.clock import SystemClock  # noqa: E402
from monitor.scheduler import SourceRunner  # noqa: E402
from monitor.store import Store  # noqa: E402

KIND_OF_PATH = {"/feed/": "rss", "/youtube/": "youtube", "/api/v1/search": "hackernews",
                "/api/v1/timelines": "mastodon", "/s/": "telegram_channel"}


def _kind(path: str) -> str:
    return next((k for prefix, k in KIND_OF_PATH.items() if path.startswith(prefix)), "other")


def answer_counter() -> tuple[aiohttp.TraceConfig, collections.Counter]:
    """Count answers by (kind, status) as the client sees them."""
    seen: collections.Counter = collections.Counter()
    trace = aiohttp.TraceConfig()

    async def on_end(session, ctx, params):
        seen[(_kind(params.url.path), params.response.status)] += 1
    trace.on_request_end.append(on_end)
    return trace, seen


async def rounds(specs: list[tuple[str, str, dict]], db: Path) -> None:
    store, clock = Store(db), SystemClock()
    trace, seen = answer_counter()
    n = len(specs)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100), trace_configs=[trace]) as session:
        runners = []
        for kind, name, options in specs:
            cls = CONNECTORS[kind]
            connector = cls(name, cls.Options(**options), brand_terms=["acme"], timeout=30, clock=clock)
            runners.append(SourceRunner(connector, store, session, interval=300, jitter=0, max_interval=300,
                                        clock=clock))
        for number in (1, 2):
            seen.clear()
            start = time.perf_counter()
            await asyncio.gather(*(r.poll_once() for r in runners))
            seconds = time.perf_counter() - start
            failing = [r["name"] for r in store.sources() if r["status"] == "failing"]
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            requests = sum(seen.values())
            share = sum(c for (_, status), c in seen.items() if status == 304) / max(requests, 1)
            print(f"round {number}: {n} sources, {requests} requests in {seconds:.2f}s "
                  f"({requests / seconds:.0f} requests/s), 304s {share:.0%}, failing {len(failing)}, "
                  f"peak memory {peak:.0f} MB")
            for kind in sorted({k for k, _ in seen}):
                total = sum(c for (k, _), c in seen.items() if k == kind)
                print(f"    {kind:17} {total:5} requests, 304s {seen[(kind, 304)] / total:.0%}")
            if failing:
                print(f"    failing: {', '.join(failing[:5])}{' ...' if len(failing) > 5 else ''}")
    mentions = store.rows("SELECT COUNT(*) n FROM mentions")[0]["n"]
    print(f"mentions stored: {mentions}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=1000)
    ap.add_argument("--mix", action="store_true", help="five source kinds instead of RSS only")
    args = ap.parse_args()
    q = multiprocessing.Queue()
    if args.mix:
        child = multiprocessing.Process(target=mixed_world.serve, args=(q,), daemon=True)
    else:
        child = multiprocessing.Process(target=world, args=(q, 3600.0), daemon=True)   # no new items
    child.start()
    try:
        port = q.get(timeout=20)
        specs = (mixed_world.source_specs(args.sources, port) if args.mix else
                 [("rss", f"s{i}", {"url": f"http://127.0.0.1:{port}/feed/{i}"}) for i in range(args.sources)])
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(rounds(specs, Path(tmp) / "poll.db"))
    finally:
        child.terminate()


if __name__ == "__main__":
    main()
