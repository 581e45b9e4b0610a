"""The demo replay in simulated time, through the real connectors and pipeline."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from monitor.clock import FakeClock
from monitor.config import load_settings
from monitor.demo.setup import demo_sources
from monitor.pipeline import Pipeline
from monitor.scheduler import SourceRunner
from monitor.store import Store
from connectors import CONNECTORS

ROOT = Path(__file__).resolve().parents[2]


async def test_the_brands_reply_in_the_telegram_thread_marks_the_complaint_responded(tmp_path, session):
    clock = FakeClock(datetime.now(timezone.utc).replace(microsecond=0))
    config = load_settings(ROOT / "settings.yaml", check_examples=False)
    server, sources = await demo_sources(clock)
    try:
        store = Store(tmp_path / "demo.db")
        pipeline = Pipeline(store, config.ruleset, [], clock, own_handles=["acme", "acmesupport"])
        runners = [SourceRunner(CONNECTORS[c.common.kind](c.common.name, c.options, clock=clock), store, session,
                                interval=10, jitter=0, max_interval=10, clock=clock) for c in sources]
        for _ in range(12):                       # two minutes of the demo, a poll every 10 s
            for runner in runners:
                await runner.poll_once()
            pipeline.drain()
            clock.advance(10)
        states = dict((r["native_id"], r["state"]) for r in store.rows(
            "SELECT m.native_id, a.state FROM alerts a JOIN mentions m ON m.id = a.mention_id"))
        assert states["-1001000000001:101"] == "responded", states   # d02, answered by @acmesupport
        assert sum(1 for s in states.values() if s == "open") >= 8
        kinds = {r["native_id"]: r["complaint"] for r in store.rows("SELECT native_id, complaint FROM mentions")}
        assert len(kinds) == 18 and kinds["-1001000000001:113"] == 0, "the brand's own reply is no complaint"
        per_source = {r["source"]: r["n"] for r in store.rows("SELECT source, COUNT(*) n FROM mentions GROUP BY source")}
        assert per_source == {"demo-google-alerts": 6, "demo-telegram": 9, "demo-mastodon": 3}, per_source
        toot = store.rows("SELECT * FROM mentions WHERE source = 'demo-mastodon' AND author_handle LIKE 'dana.k%'")[0]
        assert toot["url"].startswith("https://social.example/@dana.k/") and toot["author_followers"] > 0
    finally:
        await server.stop()
