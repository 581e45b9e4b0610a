"""The dashboard in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser).

Logs in, sees the demo's alerts, watches a countdown tick, claims and resolves one, checks that a
hostile mention executes nothing, and switches the interface to Persian (right to left). Screenshots go to test-artifacts/screenshots/ (printed) and the
queue's also to docs/screenshots/queue.png for the README.
"""
from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from monitor.clock import SystemClock
from monitor.config import load_settings
from monitor.demo.replay import load_items
from monitor.models import Author, Mention
from monitor.pipeline import Pipeline
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
    return store


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
        finally:
            await browser.close()
            await server.close()
    docs = ROOT / "docs" / "screenshots"
    docs.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHOTS / "queue.png", docs / "queue.png")
    shutil.copy(SHOTS / "queue-fa.png", docs / "queue-fa.png")
