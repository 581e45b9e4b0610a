"""The pipeline: stored mentions become verdicts and, for complaints, alerts that explain themselves."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from monitor.clock import FakeClock
from monitor.config import load_settings
from monitor.models import Author, Mention
from monitor.pipeline import Pipeline
from monitor.store import Store

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def pipeline(tmp_path) -> Pipeline:
    config = load_settings(ROOT / "settings.yaml", check_examples=False)
    store = Store(tmp_path / "m.db")
    store.ensure_source("feed", "rss")
    return Pipeline(store, config.ruleset, ["console"], FakeClock(T0), own_handles=["acmesupport"])


def add(p: Pipeline, *mentions: Mention) -> None:
    p.store.save_poll("feed", list(mentions), None, {}, T0, T0)


def test_complaints_get_alerts_with_their_explanation_and_others_do_not(tmp_path):
    p = pipeline(tmp_path)
    add(p, Mention(source="feed", native_id="1", published_at=T0, text="@acme my parcel never arrived, still waiting"),
        Mention(source="feed", native_id="2", published_at=T0, text="Lovely service from Acme today, thank you"))
    assert p.drain() == 2
    alerts = p.store.rows("SELECT * FROM alerts")
    assert len(alerts) == 1
    assert json.loads(alerts[0]["explanation"])[0]["rule"] in json.loads(alerts[0]["rules"])
    verdicts = {r["native_id"]: json.loads(r["verdict"]) for r in p.store.rows("SELECT native_id, verdict FROM mentions")}
    assert verdicts["1"]["complaint"] is True and verdicts["2"]["complaint"] is False


def test_persian_and_arabic_complaints_are_detected(tmp_path):
    p = pipeline(tmp_path)
    add(p, Mention(source="feed", native_id="fa", published_at=T0, text="سفارشم دو هفته است هنوز نرسیده"),
        Mention(source="feed", native_id="ar", published_at=T0, text="الطلب لم يصل حتى الآن وخدمة العملاء سيئة"))
    p.drain()
    langs = {r["native_id"]: json.loads(r["verdict"])["lang"] for r in p.store.rows("SELECT native_id, verdict FROM mentions")}
    assert langs == {"fa": "fa", "ar": "ar"}
    assert p.store.rows("SELECT COUNT(*) n FROM alerts")[0]["n"] == 2


def test_the_brands_own_posts_are_never_complaints(tmp_path):
    p = pipeline(tmp_path)
    add(p, Mention(source="feed", native_id="1", published_at=T0, author=Author(handle="AcmeSupport"),
                   text="Sorry your parcel never arrived, we are on it"))
    p.drain()
    assert p.store.rows("SELECT COUNT(*) n FROM alerts")[0]["n"] == 0
    verdict = json.loads(p.store.rows("SELECT verdict FROM mentions")[0]["verdict"])
    assert verdict["suppressed"] and verdict["explanation"][-1]["rule"] == "own-post"


def test_a_feed_replaying_years_old_items_pages_nobody(tmp_path):
    p = pipeline(tmp_path)
    old = T0.replace(year=2019)
    add(p, Mention(source="feed", native_id="old", published_at=old, text="my parcel never arrived, still waiting"))
    p.drain()
    assert p.store.rows("SELECT COUNT(*) n FROM alerts")[0]["n"] == 0
    verdict = json.loads(p.store.rows("SELECT verdict FROM mentions")[0]["verdict"])
    assert verdict["explanation"][-1]["rule"] == "too-old"


def test_a_reply_from_the_brand_in_the_thread_is_the_first_response(tmp_path):
    p = pipeline(tmp_path)
    add(p, Mention(source="feed", native_id="c1", published_at=T0, text="@acme my parcel never arrived, still waiting"))
    p.drain()
    add(p, Mention(source="feed", native_id="r1", published_at=T0, author=Author(handle="acmesupport"),
                   reply_to="c1", text="Sorry about that, we are on it"))
    p.drain()
    [alert] = p.store.rows("SELECT * FROM alerts")
    assert alert["state"] == "responded"
    events = p.store.events(alert["id"])
    assert [(e["kind"], e["actor"]) for e in events] == [("created", "monitor"), ("responded", "auto:acmesupport")]


def test_a_second_complaint_from_the_same_author_joins_the_open_alert(tmp_path):
    from datetime import timedelta
    p = pipeline(tmp_path)
    sara = Author(handle="sara_k")
    add(p, Mention(source="feed", native_id="1", published_at=T0, author=sara, text="my parcel never arrived, still waiting"),
        Mention(source="feed", native_id="2", published_at=T0 + timedelta(minutes=10), author=sara,
                text="still waiting for my parcel!! no reply"),
        Mention(source="feed", native_id="3", published_at=T0 + timedelta(minutes=12), author=Author(handle="omid"),
                text="my parcel never arrived either, terrible service"))
    p.drain()
    alerts = p.store.rows("SELECT * FROM alerts ORDER BY id")
    assert [a["mentions_count"] for a in alerts] == [2, 1], "one alert with a count, not a flood"
    assert [e["kind"] for e in p.store.events(alerts[0]["id"])] == ["created", "grouped"]
    assert p.store.rows("SELECT COUNT(*) n FROM deliveries")[0]["n"] == 2, "the grouped one pages nobody again"


def test_the_same_post_on_two_sources_is_one_incident(tmp_path):
    p = pipeline(tmp_path)
    p.store.ensure_source("telegram", "telegram_bot")
    text = "my parcel never arrived, still waiting @acme"
    add(p, Mention(source="feed", native_id="1", published_at=T0, author=Author(handle="sara_k"), text=text))
    p.store.save_poll("telegram", [Mention(source="telegram", native_id="9", published_at=T0,
                                           author=Author(handle="sara_k"), text=text)], None, {}, T0, T0)
    p.drain()
    [alert] = p.store.rows("SELECT * FROM alerts")
    assert alert["mentions_count"] == 2
