"""The RSS/Atom connector against a local server speaking the feed protocol (conditional GET, 304)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from aiohttp import web

from connectors.errors import BadResponse, RateLimited, TransientError
from connectors.rss import RssConnector, RssOptions, unwrap_redirect
from monitor.clock import FakeClock

NOW = datetime(2021, 6, 4, 16, 30, tzinfo=timezone.utc)

GOOGLE_ALERTS = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
<id>tag:google.com,2005:reader/user/17849810695950872924/state/com.google/alerts/1584</id>
<title>Google Alert - Acme</title><updated>2021-06-04T16:18:45Z</updated>
<entry><id>tag:google.com,2013:googlealerts/feed:12501224780620368192</id>
<title type="html">Why &lt;b&gt;Acme&lt;/b&gt; lost my parcel</title>
<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://blog.example.com/2021/06/04/acme-parcel/&amp;ct=ga&amp;cd=CAIy&amp;usg=AFQjCNGc"></link>
<published>2021-06-04T14:26:15Z</published><updated>2021-06-04T14:26:15Z</updated>
<content type="html">My &lt;b&gt;Acme&lt;/b&gt; order &amp;amp; refund&amp;nbsp;story ...</content>
<author><name></name></author></entry>
<entry><id>tag:google.com,2013:googlealerts/feed:2</id>
<title type="html">Old news about &lt;b&gt;Acme&lt;/b&gt;</title>
<link href="https://news.example.com/old"></link>
<published>2019-01-01T00:00:00Z</published><updated>2019-01-01T00:00:00Z</updated>
<content type="html">ancient</content><author><name></name></author></entry>
</feed>"""


def feed_app(body: bytes | str, *, content_type="application/atom+xml", etag='"v1"', status=200,
             headers=None) -> tuple[web.Application, list]:
    seen: list[dict] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        if etag and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        data = body.encode() if isinstance(body, str) else body
        return web.Response(status=status, body=data, headers={"Content-Type": content_type,
                                                               **({"ETag": etag} if etag else {}),
                                                               **(headers or {})})
    app = web.Application()
    app.router.add_get("/feed", handler)
    return app, seen


def connector(url: str, **options) -> RssConnector:
    return RssConnector("alerts", RssOptions(url=url, **options), brand_terms=["acme"], timeout=2,
                        clock=FakeClock(NOW))


async def test_google_alerts_entry_is_normalised(serve, session):
    app, _ = feed_app(GOOGLE_ALERTS)
    server = await serve(app)
    batch = await connector(f"{server.url}/feed").fetch(session, None)
    assert len(batch.mentions) == 1, "the 2019 entry is older than the first-run look-back"
    m = batch.mentions[0]
    assert m.native_id == "tag:google.com,2013:googlealerts/feed:12501224780620368192"
    assert m.url == "https://blog.example.com/2021/06/04/acme-parcel/"
    assert m.text == "Why Acme lost my parcel\nMy Acme order & refund\xa0story ..."
    assert m.published_at == datetime(2021, 6, 4, 14, 26, 15, tzinfo=timezone.utc)
    assert m.kind == "rss" and m.source == "alerts"


async def test_conditional_get_sends_etag_and_gets_304(serve, session):
    app, seen = feed_app(GOOGLE_ALERTS)
    server = await serve(app)
    c = connector(f"{server.url}/feed")
    first = await c.fetch(session, None)
    second = await c.fetch(session, first.cursor)
    assert seen[1].get("If-None-Match") == '"v1"'
    assert second.mentions == [] and second.quota == {"not_modified": True}
    assert second.cursor == first.cursor


async def test_entries_already_seen_are_not_returned_again(serve, session):
    app, _ = feed_app(GOOGLE_ALERTS, etag=None)
    server = await serve(app)
    c = connector(f"{server.url}/feed")
    first = await c.fetch(session, None)
    again = await c.fetch(session, first.cursor)
    assert len(first.mentions) == 1 and again.mentions == []


async def test_require_terms_keeps_only_entries_naming_the_brand(serve, session):
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>forum</title>
    <item><guid>1</guid><title>Acme support never answers</title><pubDate>Fri, 04 Jun 2021 15:00:00 GMT</pubDate></item>
    <item><guid>2</guid><title>Unrelated thread about cats</title><pubDate>Fri, 04 Jun 2021 15:00:00 GMT</pubDate></item>
    </channel></rss>"""
    app, _ = feed_app(rss, content_type="application/rss+xml")
    server = await serve(app)
    batch = await connector(f"{server.url}/feed", require_terms=True).fetch(session, None)
    assert [m.native_id for m in batch.mentions] == ["1"]


BAD_BODIES = {
    "html page": (b"<html><body>Sign in</body></html>", "text/html", "expected a feed"),
    "broken xml": (b"<?xml version='1.0'?><feed><entry><id>1</id>", "application/atom+xml", "feed"),
    "not xml at all": (b"hello there", "application/xml", "not an RSS or Atom feed"),
    "empty body": (b"", "application/atom+xml", "empty body"),
    "invalid utf-8": (GOOGLE_ALERTS.encode().replace(b"lost my", b"lost \xff\xfe my"), "application/atom+xml",
                      "not valid UTF-8"),
}


@pytest.mark.parametrize("case", BAD_BODIES, ids=list(BAD_BODIES))
async def test_unusable_bodies_fail_the_poll_with_a_reason(serve, session, case):
    body, ctype, reason = BAD_BODIES[case]
    app, _ = feed_app(body, content_type=ctype, etag=None)
    server = await serve(app)
    with pytest.raises(BadResponse, match=reason):
        await connector(f"{server.url}/feed").fetch(session, None)


async def test_oversized_body_is_refused(serve, session):
    app, _ = feed_app(b"<feed>" + b" " * (11 * 1024 * 1024) + b"</feed>", etag=None)
    server = await serve(app)
    with pytest.raises(BadResponse, match="cap"):
        await connector(f"{server.url}/feed", max_bytes=10 * 1024 * 1024).fetch(session, None)


@pytest.mark.parametrize("status,error", [(503, TransientError), (429, RateLimited)])
async def test_server_errors_are_translated(serve, session, status, error):
    app, _ = feed_app("busy", status=status, etag=None, headers={"Retry-After": "120"})
    server = await serve(app)
    with pytest.raises(error) as info:
        await connector(f"{server.url}/feed").fetch(session, None)
    if error is RateLimited:
        assert info.value.retry_after == 120


async def test_a_hanging_feed_times_out(serve, session):
    import asyncio

    async def hang(request):
        await asyncio.sleep(10)
        return web.Response(text="late")
    app = web.Application()
    app.router.add_get("/feed", hang)
    server = await serve(app)
    with pytest.raises(TransientError, match="timed out"):
        await RssConnector("slow", RssOptions(url=f"{server.url}/feed"), timeout=0.3).fetch(session, None)


@pytest.mark.parametrize("link,expected", [
    ("https://www.google.com/url?rct=j&sa=t&url=https://a.example/x?id=1&ct=ga&cd=C&usg=U", "https://a.example/x?id=1"),
    ("https://site.example/post?utm_source=feed&p=2", "https://site.example/post?p=2"),
    ("https://site.example/plain", "https://site.example/plain"),
])
def test_redirects_are_unwrapped_and_tracking_dropped(link, expected):
    assert unwrap_redirect(link) == expected


TITLE_AND_BODY = {
    # name: (title, description, text kept)
    "body repeats the title and goes on": ("Acme lost my parcel", "Acme lost my parcel and support never answered",
                                          "Acme lost my parcel and support never answered"),
    "body equals the title": ("Acme lost my parcel", "Acme lost my parcel", "Acme lost my parcel"),
    "different title and body": ("Parcel", "Acme lost it", "Parcel\nAcme lost it"),
    "no title": ("", "Acme lost it", "Acme lost it"),
    "no body": ("Acme lost it", "", "Acme lost it"),
}


@pytest.mark.parametrize("title,body,expected", TITLE_AND_BODY.values(), ids=TITLE_AND_BODY.keys())
async def test_title_and_body_make_one_text_and_nothing_is_dropped(serve, session, title, body, expected):
    item = (f"<item><guid>1</guid>{f'<title>{title}</title>' if title else ''}"
            f"{f'<description>{body}</description>' if body else ''}<pubDate>{NOW:%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>")
    app, _ = feed_app(f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{item}</channel></rss>',
                      content_type="application/rss+xml")
    server = await serve(app)
    [mention] = (await connector(f"{server.url}/feed").fetch(session, None)).mentions
    assert mention.text == expected
