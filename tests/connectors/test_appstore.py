"""App Store customer reviews against a local iTunes RSS: {"label"} wrapping, JSON without dates, XML with them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import web

from connectors.appstore import AppStoreConnector, AppStoreOptions
from connectors.errors import RateLimited
from monitor.clock import FakeClock
from tests.connectors.faults import FAULTS, MAX_BYTES, TIMEOUT

NOW = datetime(2026, 8, 1, 14, 0, tzinfo=timezone.utc)
APP = "1404176564"


def review(rid: int, stars: int, title: str, text: str) -> dict:
    """The shape of the real JP fixture in CONNECTORS.md (no date in JSON)."""
    return {"author": {"uri": {"label": f"https://itunes.apple.com/jp/reviews/id{rid + 7}"}, "name": {"label": f"user{rid}"},
                       "label": ""},
            "im:version": {"label": "3.4.3"}, "im:rating": {"label": str(stars)}, "id": {"label": str(rid)},
            "title": {"label": title}, "content": {"label": text, "attributes": {"type": "text"}},
            "im:voteSum": {"label": "2"}, "im:voteCount": {"label": "3"}}


def xml_page(entries: list[dict], ages: dict[int, timedelta]) -> str:
    items = "".join(f"<entry><updated>{(NOW - ages.get(int(e['id']['label']), timedelta(minutes=30))).astimezone(timezone(timedelta(hours=-7))).isoformat()}</updated>"
                    f"<id>{e['id']['label']}</id><title>{e['title']['label']}</title>"
                    f"<content type=\"text\">x</content><content type=\"html\">&lt;b&gt;x&lt;/b&gt;</content></entry>"
                    for e in entries)
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:im="http://itunes.apple.com/rss">{items}</feed>'


class Itunes:
    """Newest first, 50 a page; `xml_status` lets the XML variant fail as it has in the wild."""

    def __init__(self, reviews: dict[str, list[dict]], ages=None, xml_status=200, shape=None):
        self.reviews, self.ages, self.xml_status, self.shape = reviews, ages or {}, xml_status, shape
        self.hits: list[str] = []

    async def feed(self, request):
        cc, page, fmt = request.match_info["cc"], int(request.match_info["page"]), request.match_info["fmt"]
        self.hits.append(f"{cc}/{page}/{fmt}")
        entries = self.reviews.get(cc, [])[(page - 1) * 50:page * 50]
        if fmt == "xml":
            if self.xml_status != 200:
                return web.Response(status=self.xml_status, text="Bad Gateway")
            return web.Response(text=xml_page(entries, self.ages), content_type="application/xml")
        feed = {"updated": {"label": "2020-08-07T20:17:03-07:00"}, "entry": entries}
        if self.shape:
            feed = self.shape(feed)
        return web.json_response({"feed": feed})

    def app(self, handler=None):
        app = web.Application()
        app.router.add_get("/{cc}/rss/customerreviews/page={page}/id={app}/sortby=mostrecent/{fmt}", handler or self.feed)
        return app


def connector(url, **extra):
    options = AppStoreOptions(base_url=url, app_id=APP, max_bytes=MAX_BYTES, **extra)
    return AppStoreConnector("ios", options, timeout=TIMEOUT, clock=FakeClock(NOW))


async def test_reviews_carry_stars_text_author_and_the_xml_date(serve, session):
    itunes = Itunes({"jp": [review(6290024630, 4, "神アプリ", "とにかく周りの人皆んなが暖かく…"),
                            review(6285559638, 2, "ストーキング &amp; 機能", "とても楽しく")]})
    server = await serve(itunes.app())
    batch = await connector(server.url, countries=["JP"]).fetch(session, None)
    first, second = batch.mentions
    assert (first.native_id, first.rating, first.author.name) == ("6290024630", 4.0, "user6290024630")
    assert first.text == "神アプリ\nとにかく周りの人皆んなが暖かく…" and second.text.startswith("ストーキング & 機能")
    assert first.published_at == NOW - timedelta(minutes=30)
    assert first.url == f"https://apps.apple.com/jp/app/id{APP}?see-all=reviews"
    assert first.engagement == {"voteSum": 2, "voteCount": 3}
    assert batch.cursor == {"seen": {"jp": ["6290024630", "6285559638"]}}


async def test_a_second_poll_alerts_only_new_reviews(serve, session):
    itunes = Itunes({"us": [review(2, 1, "crash", "acme crashes"), review(1, 5, "ok", "fine")]})
    server = await serve(itunes.app())
    bot = connector(server.url)
    first = await bot.fetch(session, None)
    itunes.reviews["us"].insert(0, review(3, 1, "refund", "no refund"))
    second = await bot.fetch(session, first.cursor)
    assert [m.native_id for m in second.mentions] == ["3"]


async def test_a_burst_larger_than_a_page_reads_the_next_page(serve, session):
    old = [review(i, 3, "t", "x") for i in range(100, 90, -1)]
    itunes = Itunes({"us": old})
    server = await serve(itunes.app())
    bot = connector(server.url)
    cursor = (await bot.fetch(session, None)).cursor
    itunes.reviews["us"] = [review(i, 1, "t", "x") for i in range(260, 200, -1)] + old
    batch = await bot.fetch(session, cursor)
    assert len(batch.mentions) == 60 and "us/2/json" in itunes.hits


FIRST_RUNS = {
    # name: (ages, xml_status, expected ids)
    "old reviews are not alerted": ({2: timedelta(days=30)}, 200, ["1"]),
    "without dates nothing is alerted, all is remembered": ({}, 502, []),
}


@pytest.mark.parametrize("ages,xml_status,expected", FIRST_RUNS.values(), ids=FIRST_RUNS.keys())
async def test_first_run(serve, session, ages, xml_status, expected):
    itunes = Itunes({"us": [review(1, 1, "t", "x"), review(2, 1, "t", "x")]}, ages=ages, xml_status=xml_status)
    server = await serve(itunes.app())
    batch = await connector(server.url).fetch(session, None)
    assert [m.native_id for m in batch.mentions] == expected
    assert batch.cursor["seen"]["us"] == ["1", "2"]


async def test_the_xml_failing_later_still_delivers_reviews_stamped_when_seen(serve, session):
    itunes = Itunes({"us": [review(1, 1, "t", "x")]}, xml_status=502)
    server = await serve(itunes.app())
    batch = await connector(server.url).fetch(session, {"seen": {"us": []}})
    assert batch.mentions[0].published_at == NOW and batch.quota == {"us_undated": 1}


SHAPES = {
    "no entry key when there are no reviews": (lambda f: {k: v for k, v in f.items() if k != "entry"}, []),
    "a single review as an object": (lambda f: {**f, "entry": f["entry"][0]}, ["1"]),
    "old feeds lead with the app itself": (lambda f: {**f, "entry": [{"id": {"label": "app"}, "im:name": {"label": "Acme"}}]
                                                      + f["entry"]}, ["1"]),
}


@pytest.mark.parametrize("shape,expected", SHAPES.values(), ids=SHAPES.keys())
async def test_feed_shapes(serve, session, shape, expected):
    server = await serve(Itunes({"us": [review(1, 2, "t", "x")]}, shape=shape).app())
    batch = await connector(server.url).fetch(session, {"seen": {"us": []}})
    assert [m.native_id for m in batch.mentions] == expected


async def test_each_country_has_its_own_seen_list(serve, session):
    server = await serve(Itunes({"us": [review(1, 2, "t", "x")], "ir": [review(9, 1, "بد", "خراب")]}).app())
    batch = await connector(server.url, countries=["us", "ir"]).fetch(session, None)
    assert batch.cursor == {"seen": {"us": ["1"], "ir": ["9"]}}


async def test_429_honours_retry_after(serve, session):
    async def limited(request):
        return web.Response(status=429, headers={"Retry-After": "90"})
    server = await serve(Itunes({}).app(limited))
    with pytest.raises(RateLimited) as info:
        await connector(server.url).fetch(session, None)
    assert info.value.retry_after == 90


@pytest.mark.parametrize("handler,error,message", FAULTS.values(), ids=FAULTS.keys())
async def test_faults(serve, session, handler, error, message):
    server = await serve(Itunes({}).app(handler))
    with pytest.raises(error, match=message):
        await connector(server.url).fetch(session, None)


async def test_plain_text_keeps_what_looks_like_markup_and_html_content_is_stripped(serve, session):
    typed = review(7, 1, "crash &lt;again&gt;", "I <3 it but a < b > c")
    html_body = review(8, 1, "html", "")
    html_body["content"] = {"label": "<p>it <b>crashes</b> &amp; freezes</p>", "attributes": {"type": "html"}}
    server = await serve(Itunes({"us": [typed, html_body]}).app())
    by_id = {m.native_id: m.text for m in (await connector(server.url, countries=["us"]).fetch(session, None)).mentions}
    assert by_id["7"] == "crash <again>\nI <3 it but a < b > c"
    assert by_id["8"] == "html\nit crashes & freezes"
