"""The hostile corpus through every connector, each in its source's real wire format, into a real store.

Each corpus text is one item, served by the fake server of that connector's own tests (their builders
make the payloads), fetched with a `match` every text passes. Checked per kind: the fetch succeeds and
no item is lost or doubled; each text arrives as a plain str (JSON sources: verbatim; HTML sources:
markup dropped, entities decoded, whitespace tidied); the store gives back what arrived, lone
surrogates turned to U+FFFD. Only where a format cannot carry an item is that item alone skipped,
with the reason next to the kind in WIRES (Telegram previews and a whitespace-only post).

How a text travels, per format:
- JSON carries anything: a lone surrogate goes out as the escaped \\ud800 sequence (aiohttp's
  json_response escapes non-ASCII, as many real servers do).
- XML (RSS) carries neither NUL nor lone surrogates, and UTF-8 HTML (Telegram previews) no lone
  surrogates: those are stripped before serving, as test_hostile.xml_safe does.
- A source that renders a customer's words as HTML escapes them first (Mastodon, Hacker News, t.me);
  the escaped test serves them that way. The raw-markup test serves the corpus as markup instead,
  for sources whose HTML comes from arbitrary publishers.
"""
from __future__ import annotations

import asyncio
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable
from xml.sax.saxutils import escape

import aiohttp
import pytest
from pydantic import SecretStr

from connectors import CONNECTORS
from connectors.appstore import AppStoreConnector, AppStoreOptions
from connectors.bluesky import BlueskyConnector, BlueskyOptions
from connectors.bluesky_jetstream import JetstreamConnector, JetstreamOptions
from connectors.googleplay import GooglePlayConnector, GooglePlayOptions
from connectors.hackernews import HackerNewsConnector, HackerNewsOptions
from connectors.mastodon import MastodonConnector, MastodonOptions
from connectors.mastodon_stream import MastodonStreamConnector, MastodonStreamOptions
from connectors.reddit import RedditConnector, RedditOptions
from connectors.rss import RssConnector, RssOptions
from connectors.telegram import TelegramBotConnector, TelegramBotOptions
from connectors.telegram_channel import TelegramChannelConnector, TelegramChannelOptions
from connectors.trustpilot import TrustpilotConnector, TrustpilotOptions
from connectors.webhook_ingest import WebhookIngestOptions, verify_and_parse
from connectors.x import XConnector, XOptions
from connectors.youtube import YouTubeConnector, YouTubeOptions
from monitor.clock import FakeClock
from monitor.models import Mention
from monitor.store import Store
from monitor.store.rows import row_to_mention, storable
from monitor.web.app import WebContext, create_app
from tests.connectors import (test_appstore as appstore, test_bluesky as bluesky, test_bluesky_jetstream as jetstream,
                              test_googleplay as googleplay, test_hackernews as hackernews, test_mastodon as mastodon,
                              test_mastodon_stream as mastodon_stream, test_reddit as reddit, test_rss as rss,
                              test_telegram as telegram, test_telegram_channel as channel, test_trustpilot as trustpilot,
                              test_webhook_ingest as webhook, test_x as x, test_youtube as youtube)
from tests.hostile.corpus import CORPUS
from tests.hostile.test_hostile import xml_safe

KEEP_ALL = "acme OR -acme"     # a `match` every text passes: the filter runs on the corpus but hides nothing
NAMES = [name for name, _ in CORPUS]
STREAM_BOUND = 10              # seconds: a guard against a hung stream, never waited out when all is well
_TAG = re.compile(r"</?[A-Za-z]")  # an element's tag; "<!channel>" or "< >" are text to an HTML parser


@dataclass
class Env:
    serve: Callable           # conftest's `serve`: starts an aiohttp app on 127.0.0.1
    session: aiohttp.ClientSession
    tmp_path: Path


Fetch = Callable[[Env, list[str]], Awaitable[list[Mention]]]


def utf8_safe(text: str) -> str:
    """A UTF-8 body cannot hold a lone surrogate at all; a page would have it dropped or refused."""
    return "".join(ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF)


def words(text: str) -> list[str]:
    """Text compared as HTML sources deliver it: tidied whitespace and no NULs (html_to_text drops them)."""
    return text.replace("\x00", "").split()


# --- each source's wire: serve the given fields with its tests' fake server, fetch with the connector -----

async def fetch_rss(env, fields):
    items = "".join(f"<item><guid>{i}</guid><description>{escape(f'<p>{f}</p>')}</description></item>"
                    for i, f in enumerate(fields))     # no <title>: RSS 2.0 allows it, Mastodon's feeds do it
    app, _ = rss.feed_app(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>forum</title>'
                          f'{items}</channel></rss>', content_type="application/rss+xml")
    server = await env.serve(app)
    conn = RssConnector("forum", RssOptions(url=f"{server.url}/feed", match=KEEP_ALL), clock=FakeClock(rss.NOW))
    return (await conn.fetch(env.session, None)).mentions


async def fetch_hackernews(env, fields):
    algolia = hackernews.Algolia([hackernews.hit(i + 1, hackernews.T - 100 + i, f) for i, f in enumerate(fields)])
    server = await hackernews.start(env.serve, algolia.search)
    options = HackerNewsOptions(base_url=server.url, query="acme", match=KEEP_ALL)
    return (await HackerNewsConnector("hn", options, clock=FakeClock(hackernews.NOW)).fetch(env.session, None)).mentions


def statuses(fields) -> list[dict]:
    return [mastodon.status(100 + i, f) for i, f in enumerate(fields)]


async def fetch_mastodon(env, fields):
    server = await mastodon.start(env.serve, mastodon.Instance(statuses(fields)))
    options = MastodonOptions(instance=server.url, hashtag="acme", match=KEEP_ALL)
    return (await MastodonConnector("masto", options, clock=FakeClock(mastodon.NOW)).fetch(env.session, None)).mentions


async def fetch_mastodon_stream(env, fields):
    # The catch-up poll finds nothing: every post comes over server-sent events. json.dumps escapes
    # non-ASCII here (the test module's update() does not, and a lone surrogate could not be written).
    events = [f"event: update\ndata: {json.dumps(s)}\n\n" for s in statuses(fields)]
    streaming = mastodon_stream.Streaming([events])
    server = await mastodon_stream.start(env.serve, mastodon.Instance([]), streaming.hashtag)
    options = MastodonStreamOptions(instance=server.url, hashtag="acme", match=KEEP_ALL, reconnect_delay=0.01)
    conn = MastodonStreamConnector("masto", options, clock=FakeClock(mastodon.NOW))
    mentions, _ = await mastodon_stream.collect(conn, env.session, {"min_id": "5"}, len(fields), STREAM_BOUND)
    assert streaming.connections == 1, "one stream carried everything"
    return mentions


async def fetch_reddit(env, fields):
    server = await reddit.start(env.serve, reddit.Reddit([reddit.post(i + 1, f) for i, f in enumerate(fields)]))
    options = RedditOptions(base_url=server.url, query="acme", match=KEEP_ALL)
    return (await RedditConnector("reddit", options, clock=FakeClock(reddit.NOW)).fetch(env.session, None)).mentions


async def fetch_x(env, fields):
    server = await x.start(env.serve, x.Api([{**x.tweet(i), "text": f} for i, f in enumerate(fields)]).search)
    options = XOptions(base_url=server.url, bearer_token=SecretStr("bt"), query="acme", match=KEEP_ALL)
    return (await XConnector("x", options, clock=FakeClock(x.NOW)).fetch(env.session, None)).mentions


async def fetch_telegram_bot(env, fields):
    server = await telegram.start(env.serve, telegram.BotApi([telegram.update(1000 + i, i + 1, f) for i, f in enumerate(fields)]))
    options = TelegramBotOptions(base_url=server.url, token=SecretStr(telegram.TOKEN), long_poll=0, match=KEEP_ALL)
    return (await TelegramBotConnector("tg", options, clock=FakeClock(telegram.NOW)).fetch(env.session, None)).mentions


async def fetch_telegram_channel(env, fields):
    server = await channel.serve_page(env.serve, channel.page(*(channel.post(i + 1, f) for i, f in enumerate(fields))))
    options = TelegramChannelOptions(base_url=server.url, channel="acmenews", match=KEEP_ALL)
    return (await TelegramChannelConnector("tgc", options, clock=FakeClock(channel.NOW)).fetch(env.session, None)).mentions


async def fetch_webhook(env, fields):
    """Signed pushes to the real POST /ingest/<name>, one mention a delivery; the endpoint stores them."""
    store = Store(env.tmp_path / "ingest.db")
    ctx = WebContext(store, FakeClock(webhook.NOW), {}, ingest={"crm": WebhookIngestOptions(secret=SecretStr(webhook.SECRET))})
    server = await env.serve(create_app(ctx))
    for i, f in enumerate(fields):
        body = json.dumps({"id": f"case-{i}", "text": f, "url": f"https://crm.example/case/{i}",
                           "author": {"name": "Sara", "handle": "sara"}, "created_at": "2026-05-01T11:50:00Z"}).encode()
        async with env.session.post(f"{server.url}/ingest/crm", data=body,
                                    headers=webhook.standard_headers(body, msg_id=f"msg_{i}")) as resp:
            assert (resp.status, await resp.json()) == (202, {"accepted": 1, "new": 1}), NAMES[i]
    return [row_to_mention(r) for r in store.rows("SELECT * FROM mentions ORDER BY id")]


async def fetch_bluesky(env, fields):
    pds = bluesky.Pds([bluesky.post(i + 1, f, minutes_ago=1 + i / 10) for i, f in enumerate(fields)])
    server = await env.serve(pds.app())
    options = BlueskyOptions(base_url=server.url, identifier="acme.bsky.social", app_password=bluesky.PASSWORD,
                             match=KEEP_ALL)
    return (await BlueskyConnector("bsky", options, clock=FakeClock(bluesky.NOW)).fetch(env.session, None)).mentions


async def fetch_appstore(env, fields):
    # The text is the review's body; an empty title keeps the XML variant (which dates the reviews) well formed.
    itunes = appstore.Itunes({"us": [appstore.review(i + 1, 1, "", f) for i, f in enumerate(fields)]})
    server = await env.serve(itunes.app())
    options = AppStoreOptions(base_url=server.url, app_id=appstore.APP, match=KEEP_ALL)
    return (await AppStoreConnector("ios", options, clock=FakeClock(appstore.NOW)).fetch(env.session, None)).mentions


async def fetch_googleplay(env, fields):
    server = await env.serve(googleplay.Play([googleplay.review(f"gp:{i}", f, 1) for i, f in enumerate(fields)]).app())
    options = GooglePlayOptions(base_url=server.url, package_name=googleplay.PACKAGE, service_account=googleplay.KEY,
                                match=KEEP_ALL)
    return (await GooglePlayConnector("play", options, clock=FakeClock(googleplay.NOW)).fetch(env.session, None)).mentions


async def fetch_trustpilot(env, fields):
    server = await env.serve(trustpilot.Api([trustpilot.review(f"r{i}", 1, "", f) for i, f in enumerate(fields)]).app())
    options = TrustpilotOptions(base_url=server.url, api_key=trustpilot.KEY, business_unit_id=trustpilot.UNIT,
                                match=KEEP_ALL)
    return (await TrustpilotConnector("tp", options, clock=FakeClock(trustpilot.NOW)).fetch(env.session, None)).mentions


async def fetch_youtube(env, fields):
    api = youtube.DataApi({"axepn8QqxRk": [youtube.thread(f"c{i}", f, minutes_ago=1 + i) for i, f in enumerate(fields)]})
    server = await env.serve(api.app())
    options = YouTubeOptions(base_url=server.url, api_key=youtube.KEY, videos=["axepn8QqxRk"], match=KEEP_ALL)
    return (await YouTubeConnector("yt", options, clock=FakeClock(youtube.NOW)).fetch(env.session, None)).mentions


async def fetch_bluesky_jetstream(env, fields):
    jet = jetstream.Jetstream([jetstream.post(i + 1, f) for i, f in enumerate(fields)])
    options = JetstreamOptions(base_url=await jetstream.serve_jetstream(env.serve, jet), match=KEEP_ALL, reconnect_delay=0.01)
    conn = JetstreamConnector("jet", options, clock=FakeClock(jetstream.NOW))
    mentions, gen = [], conn.stream(env.session, None)
    try:
        async with asyncio.timeout(STREAM_BOUND):
            async for batch in gen:
                mentions.extend(batch.mentions)
                if len(mentions) >= len(fields):
                    break
    finally:
        await gen.aclose()
    assert conn.connections == 1, "one connection carried everything"
    return mentions


@dataclass
class Wire:
    fetch: Fetch
    native_id: Callable[[int], str]              # the id corpus item i arrives under
    markup: bool = False                         # the text field is HTML (else plain text in JSON)
    carry: Callable[[str], str] = lambda t: t    # what the format can hold of a text at all
    arrives: Callable[[str], str] = lambda t: t  # what a plain-text field's convention makes of it
    skipped: dict[str, str] = field(default_factory=dict)   # corpus name -> why the format cannot carry it
    raw_markup: bool = False                     # its HTML may come from any publisher, not only escaped text


WIRES: dict[str, Wire] = {
    "rss": Wire(fetch_rss, str, markup=True, carry=xml_safe, raw_markup=True),
    "hackernews": Wire(fetch_hackernews, lambda i: str(i + 1), markup=True, raw_markup=True),
    "mastodon": Wire(fetch_mastodon, lambda i: f"https://social.example/users/u{100 + i}/statuses/{100 + i}",
                     markup=True, raw_markup=True),   # federated posts: any server's HTML
    "mastodon_stream": Wire(fetch_mastodon_stream, lambda i: f"https://social.example/users/u{100 + i}/statuses/{100 + i}",
                            markup=True, raw_markup=True),
    "reddit": Wire(fetch_reddit, lambda i: f"t3_p{i + 1}"),                          # raw_json=1: not escaped
    "x": Wire(fetch_x, lambda i: x.tweet(i)["id"]),
    "telegram_bot": Wire(fetch_telegram_bot, lambda i: f"-1001241558182:{i + 1}"),
    "telegram_channel": Wire(
        fetch_telegram_channel, lambda i: f"acmenews/{i + 1}", markup=True, carry=utf8_safe,
        skipped={"only whitespace": "Telegram refuses a message that is empty once trimmed, so no channel preview "
                                    "can show one; the parser skips posts without text"}),
    # The endpoint stores what it parsed: what the team sees already had its lone surrogate replaced.
    "webhook": Wire(fetch_webhook, lambda i: f"case-{i}", arrives=storable),
    "bluesky": Wire(fetch_bluesky, lambda i: f"at://did:plc:niay7ajcptgklwrhknvnhk44/app.bsky.feed.post/3lhjnkjle5s{i + 1:03d}"),
    # content type="text" and Trustpilot's API text: plain text as typed (entities decoded, ends trimmed);
    # a "<3" or "<b>" a customer types is kept as text, never parsed as a tag.
    "appstore": Wire(fetch_appstore, lambda i: str(i + 1), arrives=lambda t: html.unescape(t).strip()),
    # reviews.list writes "title\tbody": the tab separates, and the connector trims the ends.
    "googleplay": Wire(fetch_googleplay, lambda i: f"gp:{i}", arrives=lambda t: t.replace("\t", "\n").strip()),
    "trustpilot": Wire(fetch_trustpilot, lambda i: f"r{i}", arrives=lambda t: html.unescape(t).strip()),
    "youtube": Wire(fetch_youtube, lambda i: f"c{i}"),                                # textOriginal: as typed
    "bluesky_jetstream": Wire(fetch_bluesky_jetstream,
                              lambda i: f"at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3l3qo2vutsw{i + 1:02d}"),
}


@pytest.fixture
def env(serve, session, tmp_path) -> Env:
    return Env(serve, session, tmp_path)


def test_every_registered_kind_has_a_hostile_wire():
    assert sorted(WIRES) == sorted(CONNECTORS)


def mismatches(wire: Wire, mentions: list[Mention], expect) -> dict[str, str]:
    """Per corpus name, what went wrong ({} when everything arrived as expected)."""
    by_id = {m.native_id: m for m in mentions}
    wrong = {}
    for i, (name, text) in enumerate(CORPUS):
        mention = by_id.get(storable(wire.native_id(i)))
        if name in wire.skipped:
            if mention is not None:
                wrong[name] = "arrived although the format cannot carry it; update `skipped`"
        elif mention is None:
            wrong[name] = "lost"
        elif type(mention.text) is not str:
            wrong[name] = f"text is {type(mention.text).__name__}, not str"
        elif (problem := expect(wire, name, wire.carry(text), mention.text)):
            wrong[name] = problem
    return wrong


def as_written(wire: Wire, name: str, carried: str, got: str) -> str | None:
    if wire.markup:
        return None if words(got) == words(carried) else f"words differ: {got[:80]!r}"
    return None if got == wire.arrives(carried) else f"text differs: {got[:80]!r}"


@pytest.mark.parametrize("kind", sorted(WIRES))
async def test_the_corpus_arrives_whole_and_round_trips_the_store(kind, env, tmp_path):
    wire = WIRES[kind]
    fields = [html.escape(wire.carry(t)) if wire.markup else wire.carry(t) for _, t in CORPUS]
    mentions = await wire.fetch(env, fields)
    assert mismatches(wire, mentions, as_written) == {}
    assert len(mentions) == len(CORPUS) - len(wire.skipped), "one mention per item, none twice"

    store = Store(tmp_path / "poll.db")
    store.ensure_source(kind, kind)
    assert len(store.save_poll(kind, mentions, {"c": 1}, {}, rss.NOW, rss.NOW)) == len(mentions)
    back = {m.native_id: m for m in store.unprocessed(limit=len(CORPUS) + 1)}
    for m in mentions:
        stored = back[storable(m.native_id)]
        assert (stored.text, stored.url, stored.author.handle, stored.author.name) == \
               (storable(m.text), storable(m.url), storable(m.author.handle), storable(m.author.name)), m.native_id
        assert stored.published_at == m.published_at.replace(microsecond=0)


def markup_dropped(wire: Wire, name: str, carried: str, got: str) -> str | None:
    if _TAG.search(got) or "onerror" in got:
        return f"markup survived: {got[:80]!r}"
    if name in ("script tag", "event handler") and "alert(" in got:
        return f"script content survived: {got[:80]!r}"
    return None


@pytest.mark.parametrize("kind", sorted(k for k, w in WIRES.items() if w.raw_markup))
async def test_markup_a_source_sends_is_dropped_not_the_item(kind, env):
    wire = WIRES[kind]
    mentions = await wire.fetch(env, [wire.carry(t) for _, t in CORPUS])
    assert mismatches(wire, mentions, markup_dropped) == {}
    by_id = {m.native_id: m.text for m in mentions}
    assert by_id[wire.native_id(NAMES.index("telegram markup"))] == "bold x & < > acme", "entities and bare < > kept as text"


def test_signed_pushes_keep_their_text_verbatim():
    """verify_and_parse, what POST /ingest/<name> runs: the JSON `text` is plain text and kept as sent."""
    seen: set[str] = set()
    for i, (name, text) in enumerate(CORPUS):
        body = json.dumps({"id": f"case-{i}", "text": text}).encode()
        [mention] = verify_and_parse(webhook.standard_headers(body, msg_id=f"msg_{i}"), body, webhook.SECRET,
                                     webhook.NOW, seen, source="crm")
        assert type(mention.text) is str and mention.text == text, name
    assert len(seen) == len(CORPUS)
