"""The dashboard in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser).

Logs in, sees the demo's alerts, watches a countdown tick, claims and resolves one, checks that a
hostile mention executes nothing, switches the interface to Persian (right to left), merges a
duplicate from the queue, marks a missed complaint on the mentions page and opens the reports over
a week of history. Screenshots go to test-artifacts/screenshots/ (printed); with UPDATE_SCREENSHOTS=1
the queue's and the reports' also to docs/screenshots/ for the README.
"""
from __future__ import annotations

import asyncio
import random
import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from monitor.clock import SystemClock
from monitor.config import load_settings
from monitor.demo.replay import load_items
from monitor.models import Author, Mention, Verdict
from monitor.pipeline import Pipeline
from monitor.queue import act
from monitor.store import Store
from monitor.web.app import WebContext, create_app
from monitor.web.auth import hash_password

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "test-artifacts" / "screenshots"
XSS = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script> refund never arrived'

playwright = pytest.importorskip("playwright.async_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


def seeded_store(path: Path) -> Store:
    store = Store(path)
    store.ensure_source("demo", "rss")
    now = datetime.now(timezone.utc)
    mentions = [Mention(source="demo", native_id=i.id, text=i.text, lang=i.lang, author=Author(handle=i.author),
                        published_at=now - timedelta(minutes=i.ago), url=f"https://social.example/{i.id}")
                for i in load_items()]
    mentions.append(Mention(source="demo", native_id="xss", text=XSS, author=Author(handle="<b>x</b>"),
                            published_at=now, url="javascript:alert(3)"))
    store.save_poll("demo", mentions, None, {}, now, now)
    config = load_settings(ROOT / "settings.yaml", check_examples=False)
    Pipeline(store, config.ruleset, [], SystemClock()).drain()
    seed_history(store, now)
    return store


def seed_history(store: Store, now: datetime) -> None:
    """Six days of earlier complaints on four sources in three languages, every one answered and
    resolved (some late), so the reports have a week to show and the queue stays the demo's."""
    rng = random.Random(7)
    sources = {"app-store": "en", "mastodon": "en", "telegram": "fa", "google-play": "ar"}
    for name in sources:
        store.ensure_source(name, "rss")
    for n in range(140):
        source = rng.choice(list(sources))
        posted = now - timedelta(days=1 + rng.random() * 5, hours=rng.choice([0, 0, 2, 5]))
        store.save_poll(source, [Mention(source=source, native_id=f"h{n}", text=f"past complaint {n}",
                                         author=Author(handle=f"past{n}"), published_at=posted)], None, {}, now, now)
        mention = store.unprocessed()[0]
        team = "billing" if n % 3 == 0 else "support"
        alert = store.save_verdict(mention, Verdict(complaint=True, lang=sources[source], team=team, rules=["history"]),
                                   posted, [])
        answered = posted + timedelta(minutes=rng.choice([4, 9, 12, 20, 25, 35, 40, 55, 70, 95, 150, 300]))
        act(store, alert, "respond", "sara", answered)
        act(store, alert, "resolve", "sara", answered + timedelta(minutes=30))


async def test_the_queue_in_chromium(tmp_path):
    store = seeded_store(tmp_path / "b.db")
    ctx = WebContext(store, SystemClock(), {"sara": hash_password("correct horse")}, [], [])
    server = TestServer(create_app(ctx), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("/")).rstrip("/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {SHOTS}")
    dialogs: list[str] = []
    async with playwright.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        page = await browser.new_page(viewport={"width": 1100, "height": 900})
        page.on("dialog", lambda d: (dialogs.append(d.message), asyncio.ensure_future(d.dismiss())))
        try:
            await page.goto(f"{base}/")
            await page.fill("input[name=name]", "sara")
            await page.fill("input[name=password]", "correct horse")
            await page.click("button[type=submit]")
            await page.wait_for_selector("ol.queue li.alert")
            cards = await page.locator("ol.queue li.alert").count()
            assert cards >= 8, "the demo's complaints are on the queue"
            first = page.locator("ol.queue li.alert .countdown").first
            before = await first.inner_text()
            await page.wait_for_timeout(1600)
            assert await first.inner_text() != before, "the countdown ticks"
            assert "left" in before or "overdue" in before
            assert await page.evaluate("window.__pwned") is None and dialogs == [], "the hostile mention ran nothing"
            assert await page.locator("ol.queue img").count() == 0
            await page.screenshot(path=str(SHOTS / "queue.png"), full_page=False)
            card = page.locator("ol.queue li.alert").first
            alert_id = (await card.get_attribute("id")).split("-")[1]
            await card.locator("button.act-claim").click()
            await page.wait_for_selector(f"#alert-{alert_id} .state:has-text('claimed')")
            await page.goto(f"{base}/alerts/{alert_id}")
            await page.click("button.act-resolve")
            await page.goto(f"{base}/alerts/{alert_id}")
            history = await page.locator("ol.events").inner_text()
            assert "claimed by sara" in history and "resolved by sara" in history
            await page.goto(f"{base}/")
            await page.click("a.lang")
            await page.wait_for_selector("html[dir=rtl]")
            assert "صف" in await page.locator("h1").inner_text()
            await page.wait_for_timeout(1100)
            assert "مانده" in await page.locator(".countdown").first.inner_text()
            await page.screenshot(path=str(SHOTS / "queue-fa.png"), full_page=False)
            await page.goto(f"{base}/lang/en?next=/")
            await merge_a_duplicate(page)
            await mark_a_missed_complaint(page, base)
            await page.goto(f"{base}/reports")
            await page.wait_for_selector("svg.plot")
            assert await page.locator("figure.chart svg.plot").count() == 4
            assert "Complaints per hour by source" in await page.locator("#chart-by_source figcaption").inner_text()
            assert await page.locator("#chart-by_source rect").count() > 20
            await page.screenshot(path=str(SHOTS / "reports.png"), full_page=True)
            await page.goto(f"{base}/lang/fa?next=/reports")
            await page.wait_for_selector("html[dir=rtl] svg.plot")
            await page.screenshot(path=str(SHOTS / "reports-fa.png"), full_page=True)
            assert await page.evaluate("window.__pwned") is None and dialogs == [], "nothing ran on any page"
        finally:
            await browser.close()
            await server.close()
    # The README's pictures change only when asked (UPDATE_SCREENSHOTS=1), so a test run leaves the
    # checkout clean.
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        docs = ROOT / "docs" / "screenshots"
        docs.mkdir(parents=True, exist_ok=True)
        for name in ("queue.png", "queue-fa.png", "reports.png"):
            shutil.copy(SHOTS / name, docs / name)


async def merge_a_duplicate(page) -> None:
    """Type the first alert's number into the second's "duplicate of" box; one click merges it."""
    cards = page.locator("ol.queue li.alert")
    keep = (await cards.nth(0).get_attribute("id")).split("-")[1]
    duplicate = (await cards.nth(1).get_attribute("id")).split("-")[1]
    await cards.nth(1).locator("form.merge input[name=into]").fill(keep)
    await cards.nth(1).locator("button.act-merge").click()
    await page.wait_for_selector(f"#alert-{duplicate}", state="detached")
    assert await page.locator(f"#alert-{keep}").count() == 1


async def mark_a_missed_complaint(page, base: str) -> None:
    await page.goto(f"{base}/mentions?q=kettle")
    item = page.locator("ol.mentions li.mention").first
    assert "kettle" in await item.inner_text()
    await item.locator("button.act-missed").click()
    await page.wait_for_selector("text=Marked as a complaint by the team.")
