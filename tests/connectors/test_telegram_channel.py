"""Telegram public channel previews (t.me/s/<channel>) against a local server serving the preview HTML."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from aiohttp import web

from connectors.errors import BadResponse, TransientError
from connectors.telegram_channel import TelegramChannelConnector, TelegramChannelOptions, _views
from monitor.clock import FakeClock

NOW = datetime(2026, 8, 3, 21, 0, tzinfo=timezone.utc)


def post(pid: int, text_html: str, when="2026-08-03T20:15:31+00:00", views="1.2K") -> str:
    return f"""
<div class="tgme_widget_message_wrap js-widget_message_wrap">
 <div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="acmenews/{pid}" data-view="x">
  <div class="tgme_widget_message_bubble">
   <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/acmenews"><span dir="auto">Acme News</span></a></div>
   <div class="tgme_widget_message_text js-message_text" dir="auto">{text_html}</div>
   <div class="tgme_widget_message_footer compact js-message_footer">
    <div class="tgme_widget_message_info short js-message_info">
     <span class="tgme_widget_message_views">{views}</span>
     <span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/acmenews/{pid}"><time datetime="{when}" class="time">20:15</time></a></span>
    </div></div></div></div></div>"""


def page(*posts: str) -> str:
    return (f'<html><body><div class="tgme_channel_info"><div class="tgme_channel_info_header_title">Acme News</div></div>'
            f'<section class="tgme_channel_history js-message_history">{"".join(posts)}</section>'
            f'<a class="tme_messages_more js-messages_more" data-before="1"></a></body></html>')


async def serve_page(serve, body, status=200, ctype="text/html"):
    async def handler(request):
        return web.Response(text=body, status=status, content_type=ctype)
    app = web.Application()
    app.router.add_get("/s/acmenews", handler)
    return await serve(app)


def connector(url, **kw):
    return TelegramChannelConnector("tgc", TelegramChannelOptions(base_url=url, channel="acmenews", **kw),
                                    brand_terms=["آکمه", "acme"], timeout=2, clock=FakeClock(NOW))


async def test_posts_are_parsed_with_text_time_views_and_link(serve, session):
    server = await serve_page(serve, page(
        post(21, "سفارش <b>آکمه</b> هنوز نرسیده<br/>خط دوم &amp; بیشتر"),
        post(22, "nothing about the brand here"),
        post(23, "acme &lt;script&gt;alert(1)&lt;/script&gt; refund", views="3M")))
    batch = await connector(server.url).fetch(session, None)
    assert [m.native_id for m in batch.mentions] == ["acmenews/21", "acmenews/23"]
    first, second = batch.mentions
    assert first.text == "سفارش آکمه هنوز نرسیده\nخط دوم & بیشتر"
    assert first.url == "https://t.me/acmenews/21"
    assert first.published_at == datetime(2026, 8, 3, 20, 15, 31, tzinfo=timezone.utc)
    assert first.engagement == {"views": 1200} and second.engagement == {"views": 3_000_000}
    assert second.text == "acme <script>alert(1)</script> refund", "kept as plain text; escaping is each view's job"
    assert batch.cursor == {"last_id": 23}


async def test_only_posts_after_the_cursor_are_new(serve, session):
    server = await serve_page(serve, page(post(21, "acme one"), post(22, "acme two")))
    batch = await connector(server.url).fetch(session, {"last_id": 21})
    assert [m.native_id for m in batch.mentions] == ["acmenews/22"]


async def test_an_empty_channel_is_not_an_error(serve, session):
    server = await serve_page(serve, page())
    batch = await connector(server.url).fetch(session, {"last_id": 9})
    assert batch.mentions == [] and batch.cursor == {"last_id": 9}


@pytest.mark.parametrize("body,status,ctype,error,reason", [
    ("<html><body>redirected to the channel page</body></html>", 200, "text/html", BadResponse, "no channel preview"),
    ('{"error": "x"}', 200, "application/json", BadResponse, "expected the channel's HTML"),
    ("busy", 503, "text/plain", TransientError, "503"),
], ids=["previews disabled or markup changed", "json instead of html", "5xx"])
async def test_unusable_pages_fail_with_a_reason(serve, session, body, status, ctype, error, reason):
    server = await serve_page(serve, body, status, ctype)
    with pytest.raises(error, match=reason):
        await connector(server.url).fetch(session, None)


@pytest.mark.parametrize("text,views", [("1.2K", 1200), ("845", 845), ("3M", 3_000_000), ("?", None)])
def test_view_counts(text, views):
    assert _views(text) == views
