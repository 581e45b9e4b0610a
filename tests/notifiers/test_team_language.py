"""A notifier with `language: fa` or `ar` says the monitor's own words in that language (customer text
stays as written); through the real outbox, against a local Telegram Bot API."""
from __future__ import annotations

import dataclasses

import pytest
from aiohttp import web
from pydantic import SecretStr, ValidationError

from monitor.clock import FakeClock
from monitor.notifiers.base import notice_body
from monitor.notifiers.chat import (ChatWebhookOptions, TelegramNotifier, TelegramNotifyOptions, slack_payload,
                                    teams_payload, telegram_payload)
from monitor.notifiers.email import build_email
from monitor.notifiers.outbox import OutboxSender
from monitor.notifiers.words import time_left
from monitor.watch.wording import render_notice
from tests.notifiers.receivers import T0, Receiver, message, store_with_alerts


def in_language(lang: str):
    m = dataclasses.replace(message("سفارشم هنوز نرسیده <b>x</b>"), lang=lang)
    m.alert["explanation"] = [{"rule": "service-failure", "held": "cues: delay ('هنوز')"}]
    return m


def test_persian_headline_time_left_and_links():
    text = telegram_payload(in_language("fa"), "1")["text"]
    assert text.startswith("<b>شکایت تازه · بالا · telegram · @&lt;!here&gt; · ۲۵ دقیقه مانده</b>")
    assert "<i>چرا: service-failure: cues: delay (&#x27;هنوز&#x27;)</i>" in text
    assert ">باز کردن هشدار #7</a>" in text and "سفارشم هنوز نرسیده &lt;b&gt;x&lt;/b&gt;" in text


def test_arabic_in_slack_teams_and_email():
    m = in_language("ar")
    slack = slack_payload(m)
    assert slack["text"].startswith("شكوى جديدة · مرتفع") and "متبقٍ 25 دقيقة" in slack["text"]
    assert "فتح التنبيه #7" in slack["blocks"][-1]["elements"][0]["text"]
    card = teams_payload(m)["attachments"][0]["content"]
    assert card["actions"][0]["title"] == "فتح التنبيه #7"
    mail = build_email(m, "monitor@example.com", ["team@example.com"])
    assert mail["Subject"].startswith("[شكوى #7] شكوى جديدة") and "السبب: service-failure" in mail.get_content()


def test_an_author_without_a_name_is_named_in_the_language_too():
    m = in_language("fa")
    m.mention["author"] = {"handle": "", "name": ""}
    assert "· @کسی ·" in telegram_payload(m, "1")["text"]


def test_english_stays_as_it_was():
    assert telegram_payload(message(), "1")["text"].startswith("<b>CREATED · high · telegram")
    assert time_left(-3900) == "overdue by 1h 05m" and time_left(-3900, "fa") == "۱ ساعت و ۵ دقیقه از مهلت گذشته"


@pytest.mark.parametrize("phase", ["opened", "closed"])
@pytest.mark.parametrize("lang", ["fa", "ar"])
def test_notices_speak_the_language_and_keep_customer_words(phase, lang):
    storm = {"kind": "storm", "priority": "high", "opened_at": "2026-03-01T12:00:00Z", "closed_at": None,
             "body": {"window": 3600, "count": 40, "mean": 3.0, "sd": 1.5, "threshold": 12,
                      "terms": ["<b>refund</b>"], "examples": []}, "closing": {"count": 4}}
    notice = render_notice(storm, phase, "k", "http://127.0.0.1:8080", lang)
    assert notice.lang == lang and ("شکایت" in notice.title if lang == "fa" else "شكاوى" in notice.title)
    if phase == "opened":
        assert notice.terms == ["<b>refund</b>"]
        notice.examples = [{"author": "sara", "source": "telegram", "text": "هنوز نرسیده"}]
        line = notice_body(notice)[-1]
        assert line == ("- @sara در telegram: هنوز نرسیده" if lang == "fa" else "- @sara على telegram: هنوز نرسیده")
    failing = {"kind": "source-silent", "priority": "high", "opened_at": "2026-03-01T12:00:00Z",
               "closed_at": "2026-03-01T13:00:00Z", "closing": {},
               "body": {"source": "feed", "since": "2026-03-01T11:30:00Z", "reason": "failing", "last_error": "<x>"}}
    title = render_notice(failing, phase, "k", "", lang).title
    assert "feed" in title


def test_a_language_the_monitor_does_not_speak_is_a_config_error():
    with pytest.raises(ValidationError):
        ChatWebhookOptions(webhook_url=SecretStr("http://127.0.0.1/x"), language="de")


async def test_the_outbox_sends_in_the_notifiers_language(serve, session, tmp_path):
    receiver = Receiver(answer={"ok": True, "result": {"message_id": 1}})
    app = web.Application()
    app.router.add_post("/bot{token}/sendMessage", receiver.handle)
    server = await serve(app)
    store = store_with_alerts(tmp_path, "tg", [10])
    notifier = TelegramNotifier("tg", TelegramNotifyOptions(token=SecretStr("1:abc"), chat_id="1",
                                                            base_url=server.url, language="fa"))
    sender = OutboxSender(notifier, store, session, FakeClock(T0), "http://127.0.0.1:8080")
    assert await sender.deliver_due() == 1
    [got] = receiver.accepted
    assert got["body"]["text"].startswith("<b>شکایت تازه · عادی · feed") and "۵۰ دقیقه مانده" in got["body"]["text"]
