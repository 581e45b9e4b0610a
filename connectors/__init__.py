"""One module per source, plus the contract (base.py), the errors and HTTP helpers they share.

The registry is an explicit dict: a kind named in settings.yaml must be here.
"""
from connectors.appstore import AppStoreConnector
from connectors.bluesky import BlueskyConnector
from connectors.bluesky_jetstream import JetstreamConnector
from connectors.googleplay import GooglePlayConnector
from connectors.hackernews import HackerNewsConnector
from connectors.mastodon import MastodonConnector
from connectors.mastodon_stream import MastodonStreamConnector
from connectors.reddit import RedditConnector
from connectors.rss import RssConnector
from connectors.telegram import TelegramBotConnector
from connectors.webhook_ingest import WebhookIngestConnector
from connectors.x import XConnector
from connectors.youtube import YouTubeConnector
from connectors.telegram_channel import TelegramChannelConnector
from connectors.trustpilot import TrustpilotConnector

CONNECTORS = {
    "rss": RssConnector,
    "hackernews": HackerNewsConnector,
    "mastodon": MastodonConnector,
    "reddit": RedditConnector,
    "x": XConnector,
    "telegram_bot": TelegramBotConnector,
    "telegram_channel": TelegramChannelConnector,
    "webhook": WebhookIngestConnector,
    "bluesky": BlueskyConnector,
    "appstore": AppStoreConnector,
    "youtube": YouTubeConnector,
    "mastodon_stream": MastodonStreamConnector,
    "bluesky_jetstream": JetstreamConnector,
    "googleplay": GooglePlayConnector,
    "trustpilot": TrustpilotConnector,
}
