"""Start the replay server and configure demo sources that the real connectors poll."""
from __future__ import annotations

from pydantic import SecretStr

from connectors.mastodon import MastodonOptions
from connectors.rss import RssOptions
from connectors.telegram import TelegramBotOptions
from monitor.config.load import Configured
from monitor.config.schema import SourceSettings
from monitor.demo.replay import ReplayServer

DEMO_INTERVAL = 10   # seconds: complaints reach the queue within a minute of appearing


async def demo_sources(clock) -> tuple[ReplayServer, list[Configured]]:
    server = ReplayServer(clock=clock)
    url = await server.start()
    # lookback covers the demo's oldest item, so the first poll takes the whole opening batch.
    alerts = SourceSettings(name="demo-google-alerts", kind="rss", interval=DEMO_INTERVAL, jitter=0.1)
    telegram = SourceSettings(name="demo-telegram", kind="telegram_bot", interval=DEMO_INTERVAL, jitter=0.1)
    mastodon = SourceSettings(name="demo-mastodon", kind="mastodon", interval=DEMO_INTERVAL, jitter=0.1)
    return server, [
        Configured(alerts, RssOptions(url=f"{url}/feeds/acme.atom", lookback=6 * 3600)),
        Configured(telegram, TelegramBotOptions(base_url=url, token=SecretStr("demo:token"), long_poll=0,
                                                lookback=6 * 3600)),
        Configured(mastodon, MastodonOptions(instance=url, hashtag="acme", lookback=6 * 3600)),
    ]
