"""The dashboard and API through aiohttp's test client: login, CSRF, CSP, escaping, actions."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp.test_utils import TestClient, TestServer

from monitor.clock import FakeClock
from monitor.models import Author, Mention, Verdict
from monitor.web.app import WebContext, create_app
from monitor.web.auth import hash_password

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
XSS = ('<script>alert(1)</script><img src=x onerror="alert(2)"> \u202eevil refund please ' + "x" * 1_000_000)


@pytest.fixture
async def client(tmp_path):
    from monitor.store import Store
    store = Store(tmp_path / "w.db")
    store.ensure_source("feed", "rss")
    store.save_poll("feed", [
        Mention(source="feed", native_id="1", text="my parcel never arrived", published_at=T0 - timedelta(minutes=50),
                author=Author(handle="sara"), url="https://social.example/p/1"),
        Mention(source="feed", native_id="2", text=XSS, published_at=T0 - timedelta(minutes=5),
                author=Author(handle="<b>mallory</b>"), url="javascript:alert(3)"),
    ], None, {}, T0, T0)
    for m in store.unprocessed():
        store.save_verdict(m, Verdict(complaint=True, rules=["r"], explanation=[{"rule": "r", "held": "terms: 'refund'"}]),
                           T0, ["console"])
    ctx = WebContext(store, FakeClock(T0), {"sara": hash_password("correct horse")}, ["api-token-1"], ["console"])
    async with TestClient(TestServer(create_app(ctx))) as c:
        yield c


async def login(client) -> str:
    resp = await client.post("/login", data={"name": "sara", "password": "correct horse"}, allow_redirects=False)
    assert resp.status == 302
    page = await (await client.get("/")).text()
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


async def test_everything_but_healthz_needs_a_login(client):
    assert (await client.get("/healthz")).status == 200
    resp = await client.get("/", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"] == "/login"
    assert (await client.get("/api/alerts")).status == 401
    bad = await client.post("/login", data={"name": "sara", "password": "wrong"})
    assert bad.status == 401


async def test_session_cookie_is_httponly_and_samesite(client):
    resp = await client.post("/login", data={"name": "sara", "password": "correct horse"}, allow_redirects=False)
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


async def test_queue_is_ordered_by_deadline_with_csp_and_escaped_text(client):
    await login(client)
    resp = await client.get("/")
    html = await resp.text()
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert html.index("my parcel never arrived") < html.index("evil"), "the older complaint is due first"
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html and "<b>mallory</b>" not in html
    assert "javascript:alert(3)" not in html
    assert len(html) < 200_000, "a 1 MB text is cut for display"
    assert "<mark>refund</mark>" in html
    assert 'dir="auto"' in html


async def test_actions_need_the_csrf_token_and_are_recorded(client):
    csrf = await login(client)
    refused = await client.post("/alerts/1/claim", data={}, allow_redirects=False)
    assert refused.status == 403
    resp = await client.post("/alerts/1/claim", data={"csrf": csrf, "next": "/"}, allow_redirects=False)
    assert resp.status == 302
    detail = await (await client.get("/alerts/1")).text()
    assert "claimed by sara" in detail
    again = await client.post("/alerts/1/claim", data={"csrf": csrf}, allow_redirects=False)
    assert again.status == 409


async def test_api_with_a_bearer_token(client):
    headers = {"Authorization": "Bearer api-token-1"}
    alerts = (await (await client.get("/api/alerts", headers=headers)).json())["alerts"]
    assert [a["id"] for a in alerts] == [1, 2]
    assert set(alerts[0]) >= {"id", "mention_id", "state", "priority", "team", "due_at", "rules"}
    resp = await client.post("/api/alerts/2/resolve", headers=headers, json={"by": "bot", "note": "done"})
    assert resp.status == 200 and (await resp.json())["state"] == "resolved"
    detail = await (await client.get("/api/alerts/2", headers=headers)).json()
    assert [e["kind"] for e in detail["events"]] == ["created", "resolved"]
    assert (await client.get("/api/alerts", headers={"Authorization": "Bearer nope"})).status == 401
    sources = await (await client.get("/api/sources", headers=headers)).json()
    assert sources["sources"][0]["name"] == "feed"


async def test_metrics_and_sources_page(client):
    await login(client)
    sources = await (await client.get("/sources")).text()
    assert "<td>feed</td>" in sources and "ok" in sources
    body = await (await client.get("/metrics")).text()
    assert 'monitor_alerts{state="open"} 2.0' in body
    assert 'monitor_delivery_backlog{notifier="console"} 2.0' in body
    assert 'monitor_polls_total{source="feed"} 1.0' in body


async def test_the_interface_switches_to_persian_with_rtl_and_solar_hijri_dates(client):
    await login(client)
    await client.get("/lang/fa")
    html = await (await client.get("/")).text()
    assert '<html lang="fa" dir="rtl">' in html
    assert "صف" in html and "برداشتن" in html and "شکایت نیست" in html
    assert "اسفند ۱۴۰۴" in html, "1 March 2026 is 10 Esfand 1404"
    await client.get("/lang/en")
    assert '<html lang="en" dir="ltr">' in await (await client.get("/")).text()


async def test_open_storms_and_silent_sources_show_above_the_queue_until_they_close(client):
    from monitor.store.notices import close_notice, open_notice
    from monitor.web.app import CTX
    store = client.server.app[CTX].store
    storm = open_notice(store, "storm", "all", "urgent",
                        {"window": 3600, "count": 40, "mean": 3.0, "sd": 1.5, "threshold": 12,
                         "terms": ["<script>x</script>", "refund"], "examples": []}, T0, [])
    open_notice(store, "source-silent", "feed", "high",
                {"source": "feed", "since": "2026-03-01T05:00:00Z", "reason": "failing",
                 "last_error": "<img src=x onerror=alert(1)>"}, T0, [])
    await login(client)
    page = await (await client.get("/")).text()
    assert "Complaint storm: 40 complaints in the last 1h" in page
    assert "Source feed has been failing for 7h" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<img src=x" not in page, "notice text is escaped"
    await client.get("/lang/fa")
    persian = await (await client.get("/")).text()
    assert "طوفان شکایت: ۴۰ شکایت در ۱ ساعت گذشته" in persian
    assert "معمول: ۳٫۰ ± ۱٫۵ در هر ۱ ساعت" in persian, "Persian digits and decimal point"
    assert "منبع feed ۷ ساعت است که خطا می‌دهد" in persian and "&lt;img src=x" in persian
    await client.get("/lang/en")
    close_notice(store, storm, {"count": 2}, T0, [])
    page = await (await client.get("/")).text()
    assert "Complaint storm" not in page and "Source feed has been failing" in page
