"""The hostile corpus on the dashboard: every text an alert, its author the same text, its link javascript:.

Through aiohttp's test client, logged in as a person would be: the queue, every alert page and the
JSON API answer 200; no markup from the corpus is live in the HTML, no link leads to javascript:,
bidirectional controls only ever sit inside an element with a `dir` attribute (browsers isolate those:
an RLO cannot reorder the page around it; monitor/web keeps the customer's characters and isolates
them rather than removing them), long texts and authors are cut for display while the API gives back
every text whole.
"""
from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer

from monitor.clock import FakeClock
from monitor.models import Author, Mention, Verdict
from monitor.store import Store
from monitor.store.rows import storable
from monitor.web.app import WebContext, create_app
from monitor.web.auth import hash_password
from monitor.web.present import ALERT_TEXT_CAP
from tests.hostile.corpus import CORPUS
from tests.web.test_dashboard import T0, login

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")   # embeddings, overrides, isolates
OWN_SCRIPT = '<script src="/static/app.js" defer></script>'
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
PAGE_CAP = 3 * ALERT_TEXT_CAP         # an alert page: the capped text, the capped author, the frame
QUEUE_CAP = 200_000                   # every alert's text cut to a few hundred characters


@pytest.fixture
async def client(tmp_path):
    store = Store(tmp_path / "hostile.db")
    store.ensure_source("feed", "rss")
    store.save_poll("feed", [Mention(source="feed", native_id=str(i), text=text, url="javascript:alert(1)",
                                     author=Author(handle=text, name=text), published_at=T0 - timedelta(minutes=i))
                             for i, (_, text) in enumerate(CORPUS)], None, {}, T0, T0)
    for m in store.unprocessed():
        store.save_verdict(m, Verdict(complaint=True, rules=["r"], explanation=[{"rule": "r", "held": "terms: 'refund'"}]),
                           T0, [])
    ctx = WebContext(store, FakeClock(T0), {"sara": hash_password("correct horse")})
    async with TestClient(TestServer(create_app(ctx))) as c:
        await login(c)
        yield c


class Page(HTMLParser):
    """What a browser would make of the page: links, and where bidi controls sit."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []    # open elements: (tag, has a dir attribute)
        self.links: list[str] = []
        self.handlers: list[str] = []               # on* attributes: onerror=, onclick=...
        self.unisolated: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.links += [attrs[a] for a in ("href", "src", "action") if attrs.get(a) is not None]
        self.handlers += [a for a in attrs if a.startswith("on")]
        self.unisolated += [v for v in attrs.values() if v and BIDI.search(v)]
        if tag not in VOID:
            self.stack.append((tag, "dir" in attrs))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if BIDI.search(data) and not any(has_dir for _, has_dir in self.stack[1:]):   # <html dir> is the page's own
            self.unisolated.append(data[:60])


def assert_safe(html: str) -> None:
    lowered = html.lower()
    assert lowered.count("<script") == 1 and OWN_SCRIPT in html, "the app's own script only"
    assert "<img" not in lowered, "the corpus's <img> is text (&lt;img), not an element"
    page = Page(html)
    assert page.handlers == [], "no element has an event handler attribute (onerror= stays text)"
    assert not [u for u in page.links if urlsplit(u.strip()).scheme.lower() not in ("", "http", "https")]
    assert 'href="javascript:' not in lowered
    assert page.unisolated == [], "a bidi control outside an element with dir= could reorder the page"


async def test_the_queue_is_safe_and_cut_for_display(client):
    resp = await client.get("/")
    html = await resp.text()
    assert resp.status == 200 and html.count('class="alert ') == len(CORPUS)
    assert_safe(html)
    assert len(html) < QUEUE_CAP


@pytest.mark.parametrize("index", range(len(CORPUS)), ids=[name for name, _ in CORPUS])
async def test_each_alert_page_is_safe_and_cut_for_display(client, index):
    _, text = CORPUS[index]
    resp = await client.get(f"/alerts/{index + 1}")
    html = await resp.text()
    assert resp.status == 200
    assert_safe(html)
    assert "Link (not clickable)" in html, "the javascript: link is shown as text, never as a link"
    assert bool(BIDI.search(html)) == bool(BIDI.search(text)), "the customer's bidi controls are kept, isolated"
    assert len(html) < PAGE_CAP
    assert ("longer than shown here" in html) == (len(text) > ALERT_TEXT_CAP)


async def test_the_api_gives_back_every_text_whole(client):
    resp = await client.get("/api/mentions?limit=200")
    assert resp.status == 200 and resp.content_type == "application/json"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    mentions = (await resp.json())["mentions"]
    assert sorted((m["text"], m["author"]["name"], m["url"]) for m in mentions) == \
        sorted((storable(t), storable(t), "javascript:alert(1)") for _, t in CORPUS)
    alerts = (await (await client.get("/api/alerts")).json())["alerts"]
    assert sorted(a["mention"]["text"] for a in alerts) == sorted(storable(t) for _, t in CORPUS)
    for alert in alerts:
        detail = await client.get(f"/api/alerts/{alert['id']}")
        assert detail.status == 200 and (await detail.json())["mention"]["text"] == alert["mention"]["text"]
