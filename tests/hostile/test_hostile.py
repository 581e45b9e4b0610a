"""The hostile corpus through every stage that exists: feed parsing, rules, store, notifier formats, logs."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from aiohttp import web

from connectors.rss import RssConnector, RssOptions
from monitor.clock import FakeClock
from monitor.config import load_settings
from monitor.logsafe import safe
from monitor.models import Author, Mention
from monitor.notifiers.base import Message
from monitor.notifiers.console import ConsoleNotifier
from monitor.notifiers.webhook import payload
from monitor.pipeline import Pipeline
from monitor.store import Store
from monitor.store.rows import alert_public, mention_public
from tests.hostile.corpus import CORPUS

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
IDS = [name for name, _ in CORPUS]


def xml_safe(text: str) -> str:
    # XML 1.0 cannot carry NULs or lone surrogates at all; a feed would have them stripped or refused.
    return "".join(ch for ch in text if ch not in "\x00" and not 0xD800 <= ord(ch) <= 0xDFFF)


@pytest.fixture(scope="module")
def ruleset():
    return load_settings(ROOT / "settings.yaml", check_examples=False).ruleset


async def test_feed_parser_keeps_hostile_text_as_plain_text(serve, session):
    items = "".join(f"<item><guid>{i}</guid><title>{escape(name)}</title>"
                    f"<description>{escape(xml_safe(text))}</description></item>"
                    for i, (name, text) in enumerate(CORPUS) if name != "huge text")
    body = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'

    async def feed(request):
        return web.Response(body=body.encode("utf-8", "surrogatepass"), content_type="application/rss+xml")
    app = web.Application()
    app.router.add_get("/feed", feed)
    server = await serve(app)
    batch = await RssConnector("f", RssOptions(url=f"{server.url}/feed"), clock=FakeClock(T0)).fetch(session, None)
    assert len(batch.mentions) == len(CORPUS) - 1
    by_id = {m.native_id: m.text for m in batch.mentions}
    assert "<script>" not in by_id["0"] and "alert('x')" not in by_id["0"], "script content is dropped"
    assert "onerror" not in by_id["1"]
    assert "<!channel>" in by_id["3"], "plain text keeps what the customer wrote; escaping is each format's job"


@pytest.mark.parametrize("name,text", CORPUS, ids=IDS)
def test_rules_store_and_formats_survive(tmp_path, ruleset, name, text, caplog):
    store = Store(tmp_path / "h.db")
    store.ensure_source("f", "rss")
    mention = Mention(source="f", native_id="1", text=text, published_at=T0,
                      author=Author(handle=text[:200], name=text[:200]), url="javascript:alert(1)")
    store.save_poll("f", [mention], None, {}, T0, T0)
    pipeline = Pipeline(store, ruleset, ["console"], FakeClock(T0))
    assert pipeline.drain() == 1
    row = store.rows("SELECT * FROM mentions")[0]
    expected = text.replace("\ud800", "\ufffd") if name == "lone surrogate" else text
    assert row["text"] == expected, "nothing stored is altered or lost (lone surrogates become U+FFFD)"
    public = mention_public(row)
    json.dumps(public)  # serialisable for the API and webhook
    alerts = store.rows("SELECT * FROM alerts")
    if alerts:
        message = Message("k", "created", alert_public(alerts[0]), public, "http://x/alerts/1", 60)
        body = json.dumps(payload(message), ensure_ascii=False)
        assert len(body) < 20_000, "customer text is capped in notifications"
    line = safe(text)
    assert "\n" not in line and "\r" not in line and "\u202e" not in line
    assert len(line) < 2000


@pytest.mark.parametrize("name,text", CORPUS, ids=IDS)
def test_search_indexes_hostile_text_and_takes_it_as_a_query(tmp_path, name, text):
    from monitor.store.search import MAX_QUERY, MentionQuery, QueryError, search
    store = Store(tmp_path / "s.db")
    store.ensure_source("f", "rss")
    store.save_poll("f", [Mention(source="f", native_id="1", text=text, published_at=T0,
                                  author=Author(handle=text[:200], name=text[:200]))], None, {}, T0, T0)
    try:
        found = search(store, MentionQuery(q=text))["mentions"]
    except QueryError:
        found = None        # nothing searchable in it: a 400 on the page and the API, never a crash
    if found is not None and len(text) <= MAX_QUERY:   # a longer query keeps only its start
        assert [m["id"] for m in found] == [1], "its own words find it"
    store.conn.execute("INSERT INTO mentions_fts (mentions_fts) VALUES ('integrity-check')")


@pytest.mark.parametrize("name,text", CORPUS, ids=IDS)
async def test_console_notifier_writes_one_safe_line(name, text, caplog):
    mention = {"source": "f", "author": {"handle": text[:100], "name": ""}, "text": text}
    alert = {"id": 1, "priority": "high", "team": "t", "due_at": "2026-03-01T13:00:00Z", "rules": ["r"]}
    with caplog.at_level(logging.INFO):
        await ConsoleNotifier("console", ConsoleNotifier.Options()).send(None, Message("k", "created", alert, mention, "l", 5))
    [record] = caplog.records
    rendered = record.getMessage()
    assert "\n" not in rendered and "\x00" not in rendered and "\u202e" not in rendered
    assert len(rendered) < 3000


@pytest.mark.parametrize("name,text", CORPUS, ids=IDS)
def test_every_chat_format_escapes_and_caps(name, text):
    from monitor.notifiers.chat import slack_payload, teams_payload, telegram_payload
    mention = {"source": "f", "author": {"handle": text, "name": ""}, "text": text}   # a feed's author has no limit
    alert = {"id": 1, "priority": "high", "team": "t", "due_at": "2026-03-01T13:00:00Z", "rules": ["r"]}
    msg = Message("k", "created", alert, mention, "http://x/alerts/1", 60)
    slack = slack_payload(msg)
    assert all(len(b["text"]["text"]) <= 3000 for b in slack["blocks"] if "text" in b), "Slack refuses longer blocks"
    mrkdwn = slack["text"] + slack["blocks"][0]["text"]["text"]
    assert "<!" not in mrkdwn and "<@" not in mrkdwn and "<script" not in mrkdwn
    telegram = telegram_payload(msg, "1")["text"]
    assert "<script" not in telegram and "<img" not in telegram and "<b>bold" not in telegram
    assert len(telegram) < 4096
    teams = json.dumps(teams_payload(msg), ensure_ascii=False)
    assert "](javascript" not in teams
    for body in (slack, teams):
        assert len(json.dumps(body, ensure_ascii=False)) < 40_000
