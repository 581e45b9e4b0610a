"""Polling: one daemon process polls 1,000 RSS sources on a local fake server.

    python bench/polling_bench.py [--sources 1000]

Round 1 fetches every feed; round 2 comes right after, when nothing has changed, so conditional GET
should answer 304 everywhere. Prints each round's time, requests per second, peak memory (ru_maxrss)
and the share of 304 answers. The fake server runs in a child process.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402

from bench.soak import world  # noqa: E402
from connectors.rss import RssConnector, RssOptions  # noqa: E402
from monitor.clock import SystemClock  # noqa: E402
from monitor.scheduler import SourceRunner  # noqa: E402
from monitor.store import Store  # noqa: E402


async def rounds(n: int, port: int, db: Path) -> None:
    store, clock = Store(db), SystemClock()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session:
        runners = [SourceRunner(RssConnector(f"s{i}", RssOptions(url=f"http://127.0.0.1:{port}/feed/{i}"), timeout=30,
                                             clock=clock), store, session, interval=300, jitter=0, max_interval=300,
                                clock=clock) for i in range(n)]
        for number in (1, 2):
            start = time.perf_counter()
            await asyncio.gather(*(r.poll_once() for r in runners))
            seconds = time.perf_counter() - start
            not_modified = sum('"not_modified": true' in (r["quota"] or "") for r in store.sources())
            failing = sum(r["status"] == "failing" for r in store.sources())
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"round {number}: {n} sources in {seconds:.2f}s ({n / seconds:.0f} requests/s), "
                  f"304s {not_modified / n:.0%}, failing {failing}, peak memory {peak:.0f} MB")
    mentions = store.rows("SELECT COUNT(*) n FROM mentions")[0]["n"]
    print(f"mentions stored: {mentions}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=1000)
    args = ap.parse_args()
    q = multiprocessing.Queue()
    child = multiprocessing.Process(target=world, args=(q, 3600.0), daemon=True)   # no new items during the run
    child.start()
    try:
        port = q.get(timeout=20)
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(rounds(args.sources, port, Path(tmp) / "poll.db"))
    finally:
        child.terminate()


if __name__ == "__main__":
    main()
