"""Silent sources in simulated time: nothing new for too long, or failing for too long, is announced
once through the notifiers, shown on the sources page, and cleared once when the source is back."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from aiohttp.test_utils import TestClient, TestServer

from connectors.base import Connector
from connectors.errors import BadResponse
from monitor.clock import FakeClock
from monitor.config import ConfigError, load_settings
from monitor.models import Batch, Mention
from monitor.scheduler import SourceRunner
from monitor.store import Store
from monitor.watch.silent_sources import SilentSourceWatch, Watched
from tests.watch.hook import webhook_outbox

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


class Feed(Connector):
    """Answers each poll with what the test put in `next`: mentions, or an exception."""
    kind = "feed"

    def __init__(self, name):
        super().__init__(name, None)
        self.next: list | Exception = []
        self.n = 0

    async def fetch(self, session, cursor):
        if isinstance(self.next, Exception):
            raise self.next
        batch, self.next = self.next, []
        self.n += len(batch)
        return Batch([Mention(source=self.name, native_id=f"{self.n}-{i}", text=t, published_at=T0)
                      for i, t in enumerate(batch)], {"n": self.n})


@pytest.fixture
def world(tmp_path):
    store = Store(tmp_path / "silent.db")
    clock = FakeClock(T0)
    feed = Feed("forum")
    runner = SourceRunner(feed, store, None, interval=300, jitter=0, max_interval=3600, clock=clock, retry_wait=0.001)
    watch = SilentSourceWatch(store, clock, [Watched("forum", "feed", nothing_new=6 * 3600, failing=1800)], ["hook"])
    return store, clock, feed, runner, watch


async def run_for(clock, runner, watch, minutes: int) -> list:
    """Poll and look every 5 minutes of simulated time; returns what the watch announced."""
    changes = []
    for _ in range(minutes // 5):
        clock.advance(300)
        await runner.poll_once()
        changes += watch.tick()
    return changes


async def test_nothing_new_for_six_hours_is_announced_once_and_cleared_when_news_comes(world):
    store, clock, feed, runner, watch = world
    feed.next = ["acme is late"]
    await runner.poll_once()
    assert await run_for(clock, runner, watch, 6 * 60 - 5) == [], "polls succeed, but nothing new"
    assert await run_for(clock, runner, watch, 5) == [("forum", "silent")]
    assert await run_for(clock, runner, watch, 120) == [], "announced once"
    assert store.source("forum")["silence"] == "nothing new since 2026-03-01T12:00:00Z"
    feed.next = ["acme again"]
    assert await run_for(clock, runner, watch, 5) == [("forum", "back")]
    assert store.source("forum")["silence"] is None


async def test_failing_for_thirty_minutes_is_announced_with_the_error_and_cleared_on_recovery(world, serve, session):
    store, clock, feed, runner, watch = world
    feed.next = BadResponse("expected a feed, got <html><script>x</script>")
    assert await run_for(clock, runner, watch, 25) == []
    assert await run_for(clock, runner, watch, 10) == [("forum", "silent")]
    assert store.source("forum")["silence"] == "failing since 2026-03-01T12:05:00Z"
    feed.next = []
    assert await run_for(clock, runner, watch, 5) == [("forum", "back")], "a good poll is a recovery"

    sender, accepted = await webhook_outbox(serve, store, session, clock)
    assert await sender.deliver_due() == 2
    got = [a["body"] for a in accepted]
    opened, closed = got
    assert opened["type"] == "notice.source-silent.opened" and opened["priority"] == "normal"
    assert opened["title"] == "Source forum has been failing for 30m"
    assert opened["lines"] == ["Failing since 2026-03-01 12:05 UTC. Last error: expected a feed, got <html><script>x</script>"]
    assert opened["link"] == "http://127.0.0.1:8080/sources"
    assert closed["type"] == "notice.source-silent.closed" and closed["title"] == "Source forum is back"


async def test_a_source_that_never_worked_is_announced_too(tmp_path):
    store = Store(tmp_path / "never.db")
    clock = FakeClock(T0)
    watch = SilentSourceWatch(store, clock, [Watched("hook-in", "webhook", nothing_new=3600, failing=None)], ["x"])
    clock.advance(3599)
    assert watch.tick() == []
    clock.advance(1)
    assert watch.tick() == [("hook-in", "silent")], "a pushed source nobody pushes to"


async def test_the_sources_page_shows_a_silent_source(world):
    from monitor.web.app import WebContext, create_app
    store, clock, feed, runner, watch = world
    feed.next = BadResponse("HTTP 503")
    await run_for(clock, runner, watch, 35)
    ctx = WebContext(store, clock, {}, ["token"], [])
    async with TestClient(TestServer(create_app(ctx))) as client:
        headers = {"Authorization": "Bearer token"}
        page = await (await client.get("/sources", headers=headers)).text()
        api = await (await client.get("/api/sources", headers=headers)).json()
    assert "silent: failing since 2026-03-01T12:05:00Z" in page
    assert api["sources"][0]["silence"] == "failing since 2026-03-01T12:05:00Z"


def test_silence_after_per_source_with_shorthand_defaults_and_off(tmp_path):
    config = tmp_path / "settings.yaml"
    config.write_text("""\
sources:
  - {name: a, kind: rss, url: "http://127.0.0.1:9/a"}
  - {name: b, kind: rss, url: "http://127.0.0.1:9/b", silence_after: 2d}
  - {name: c, kind: rss, url: "http://127.0.0.1:9/c", silence_after: {failing: 5m}}
  - {name: d, kind: rss, url: "http://127.0.0.1:9/d", silence_after: null}
""")
    found = {c.common.name: (c.common.silence_after.nothing_new, c.common.silence_after.failing)
             for c in load_settings(config).sources}
    assert found == {"a": (6 * 3600, 1800), "b": (2 * 86400, 1800), "c": (6 * 3600, 300), "d": (None, None)}
    config.write_text("""\
sources:
  - name: a
    kind: rss
    url: "http://127.0.0.1:9/a"
    silence_after: {nothing_new: often, quiet: 1h}
""")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    assert sorted(str(i) for i in info.value.issues) == [
        f"{config}:5: sources[0].silence_after.nothing_new: not a duration: 'often' (use e.g. 90s, 30m, 4h, 1d)",
        f"{config}:5: sources[0].silence_after.quiet: unknown key"]
