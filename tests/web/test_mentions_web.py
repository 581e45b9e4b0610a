"""The mentions page, its search API, "missed complaint" and merging duplicates, through aiohttp's test client."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp.test_utils import TestClient, TestServer

from monitor.clock import FakeClock
from monitor.models import Author, Mention, Verdict
from monitor.store import Store
from monitor.web.app import WebContext, create_app
from monitor.web.auth import hash_password
from tests.web.test_dashboard import login

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
BEARER = {"Authorization": "Bearer api-token-1"}
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> refund "quoted" NEAR( \u202eevil'


@pytest.fixture
async def client(tmp_path):
    store = Store(tmp_path / "w.db")
    rows = [("feed", "1", "my parcel never arrived", "en", True, 50), ("feed", "2", HOSTILE, "en", False, 40),
            ("telegram", "3", "سفارشم هنوز نرسیده", "fa", True, 30), ("telegram", "4", "علي: كيفيت عالي بود", "fa", False, 20),
            ("feed", "5", "my order never arrived either", "en", True, 10)]
    for source, native_id, text, lang, complaint, ago in rows:
        store.ensure_source(source, source)
        store.save_poll(source, [Mention(source=source, native_id=native_id, text=text, lang=lang,
                                         author=Author(handle="<b>mallory</b>" if native_id == "2" else f"u{native_id}"),
                                         published_at=T0 - timedelta(minutes=ago))], None, {}, T0, T0)
        mention = store.unprocessed()[0]
        store.save_verdict(mention, Verdict(complaint=complaint, lang=lang, sentiment=-0.5 if complaint else 0.5),
                           T0, ["console"])
    ctx = WebContext(store, FakeClock(T0), {"sara": hash_password("correct horse")}, ["api-token-1"], ["console"])
    async with TestClient(TestServer(create_app(ctx))) as c:
        c.store = store
        yield c


async def found(client, query: str) -> list[int]:
    resp = await client.get(f"/api/mentions?{query}", headers=BEARER)
    assert resp.status == 200
    return [m["id"] for m in (await resp.json())["mentions"]]


async def test_search_api_in_english_and_persian_with_filters(client):
    assert await found(client, "q=never+arrived") == [5, 1]
    assert await found(client, "q=%22parcel+never%22") == [1]
    assert await found(client, "q=%22arrived+never%22") == []
    assert await found(client, "q=علی+کیفیت") == [4], "Persian ی/ک find Arabic ي/ك"
    assert await found(client, "q=نرسيده") == [3], "Arabic ي finds Persian ی"
    assert await found(client, "source=telegram") == [4, 3]
    assert await found(client, "lang=fa&verdict=complaint") == [3]
    assert await found(client, "polarity_min=0.1") == [4, 2]
    assert await found(client, "from=2026-03-01&to=2026-03-01&limit=2") == [5, 4]
    assert await found(client, "from=2026-03-02") == []
    body = await (await client.get("/api/mentions?limit=2&page=2", headers=BEARER)).json()
    assert (body["total"], body["page"], body["pages"], [m["id"] for m in body["mentions"]]) == (5, 2, 3, [3, 2])
    assert body["mentions"][0]["alert_id"] == 2 and body["mentions"][0]["team_verdict"] is None


@pytest.mark.parametrize("query", ["q=%22", "q=NEAR(", "q=%00", "q=(((", "q=*", "verdict=maybe", "from=yesterday",
                                   "polarity_min=2", "limit=-1", "page=abc", "q=%ED%A0%80", "source=%ED%A0%80",
                                   "from=2026-03-02&to=2026-03-01"])
async def test_a_bad_query_is_an_answer_not_a_crash(client, query):
    api = await client.get(f"/api/mentions?{query}", headers=BEARER)
    assert api.status in (200, 400)
    if api.status == 400:
        assert "error" in await api.json()
    await login(client)
    page = await client.get(f"/mentions?{query}")
    assert page.status == api.status
    assert "<script>alert" not in await page.text()


async def test_the_page_escapes_customer_text_and_needs_a_login(client):
    assert (await client.get("/mentions", allow_redirects=False)).status == 302
    assert (await client.get("/api/mentions")).status == 401
    await login(client)
    resp = await client.get("/mentions?q=refund")
    html = await resp.text()
    assert resp.status == 200 and "1 found" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html and "<b>mallory</b>" not in html
    assert "<mark>refund</mark>" in html
    assert html.count('class="text" dir="auto"') == 1 and 'class="author" dir="auto"' in html
    assert 'value="refund"' in html, "the query stays in the box, escaped"


async def test_missed_complaint_needs_csrf_and_records_the_teams_verdict(client):
    csrf = await login(client)
    refused = await client.post("/mentions/4/missed", data={"next": "/mentions"}, allow_redirects=False)
    assert refused.status == 403
    assert client.store.rows("SELECT * FROM team_verdicts WHERE mention_id = 4") == []
    html = await (await client.get("/mentions?source=telegram")).text()
    assert 'action="/mentions/4/missed"' in html and 'action="/mentions/3/missed"' not in html
    resp = await client.post("/mentions/4/missed", data={"csrf": csrf, "next": "//evil.example/"}, allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"] == "/mentions", "never sent off-site"
    verdict = client.store.rows("SELECT complaint, actor FROM team_verdicts WHERE mention_id = 4")
    assert verdict == [{"complaint": 1, "actor": "sara"}]
    html = await (await client.get("/mentions?source=telegram")).text()
    assert "Marked as a complaint by the team." in html
    assert (await client.post("/mentions/99/missed", data={"csrf": csrf}, allow_redirects=False)).status == 404


async def test_merge_from_the_queue_page_and_the_api(client):
    # Alerts: 1 (mention 1, feed), 2 (mention 3, telegram), 3 (mention 5, feed).
    csrf = await login(client)
    queue = await (await client.get("/")).text()
    assert 'action="/alerts/3/merge"' in queue and '<datalist id="queue-ids">' in queue
    assert (await client.post("/alerts/3/merge", data={"into": "1"}, allow_redirects=False)).status == 403
    resp = await client.post("/alerts/3/merge", data={"csrf": csrf, "into": "#1", "next": "/"}, allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"] == "/"
    assert client.store.alert(3)["state"] == "merged" and client.store.alert(1)["mentions_count"] == 2
    detail = await (await client.get("/alerts/3")).text()
    assert 'href="/alerts/1">#1</a>' in detail and "merged by sara" in detail
    assert "absorbed by sara" in await (await client.get("/alerts/1")).text()
    for bad in ("x", "²", "9" * 40, ""):
        assert (await client.post("/alerts/2/merge", data={"csrf": csrf, "into": bad})).status == 400
    assert (await client.post("/alerts/2/merge", data={"csrf": csrf, "into": "۹۹"})).status == 404, "Persian digits"
    assert (await client.post("/alerts/" + "9" * 30 + "/merge", data={"csrf": csrf, "into": "1"})).status == 404
    assert (await client.post("/alerts/2/merge", data={"csrf": csrf, "into": "3"}, allow_redirects=False)).status == 409
    api = await client.post("/api/alerts/2/merge", headers=BEARER, json={"into": 1, "by": "bot", "note": "same"})
    assert api.status == 200 and (await api.json())["merged_into"] == 1
    assert client.store.alert(1)["mentions_count"] == 3
    for bad in ("1", 10**30, -1, True, None):
        assert (await client.post("/api/alerts/1/merge", headers=BEARER, json={"into": bad})).status == 400
    broken = await client.post("/api/alerts/1/merge", headers={**BEARER, "Content-Type": "application/json"},
                               data="{not json")
    assert broken.status == 400 and "not JSON" in await broken.text()
    assert (await client.post("/api/alerts/1/merge", headers=BEARER, json={"into": 77})).status == 404
    assert (await client.post("/api/alerts/2/merge", headers=BEARER, json={"into": 1})).status == 409
    merged = (await (await client.get("/api/alerts?state=merged", headers=BEARER)).json())["alerts"]
    assert [a["id"] for a in merged] == [2, 3]
    assert re.search(r'id="alert-[23]"', await (await client.get("/")).text()) is None, "merged alerts leave the queue"


@pytest.mark.parametrize("value, expected", [
    ("/mentions?q=a", "/mentions?q=a"), ("/", "/"), ("//evil.example/x", "/"), ("/\\evil.example", "/"),
    ("https://evil.example", "/"), ("javascript:alert(1)", "/"), ("/ok\r\nSet-Cookie: x=1", "/"), (None, "/"), ("", "/"),
])
def test_where_a_form_may_send_the_browser_back(value, expected):
    from monitor.web.params import safe_next
    assert safe_next(value) == expected


async def test_switching_language_returns_to_the_same_page_on_this_site_only(client):
    await login(client)
    back = await client.get("/lang/fa?next=/mentions%3Fq%3Dparcel", allow_redirects=False)
    assert back.headers["Location"] == "/mentions?q=parcel"
    away = await client.get("/lang/en?next=//evil.example/", allow_redirects=False)
    assert away.headers["Location"] == "/"
