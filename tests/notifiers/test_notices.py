"""Notices (a complaint storm, a silent source) in every notifier's format: customer words in the
examples and a source's error text are hostile and escaped per format; each kind really sends one."""
from __future__ import annotations

import json
import logging
import re

import pytest

from monitor.notifiers.base import Notice
from monitor.notifiers.chat import slack_notice_payload, teams_notice_payload, telegram_notice_payload
from monitor.notifiers.console import ConsoleNotifier
from monitor.notifiers.email import build_notice_email
from monitor.notifiers.webhook import notice_payload
from tests.notifiers.receivers import HOSTILE
from tests.notifiers.services import start_service


def storm() -> Notice:
    return Notice("x:notice:1:opened", "storm", "opened", "high", "Complaint storm: 42 complaints in the last 1h",
                  ["Usual: 3.0 ± 1.0 per 1h; a storm starts at 10.", "Last error: <img onerror=x> [a](javascript:y)"],
                  ["login", "<!here>", "*bold*"],
                  [{"source": "x", "author": "<!channel>", "text": HOSTILE, "url": "javascript:alert(1)"},
                   {"source": "tg", "author": "sara", "text": "سفارشم هنوز نرسیده\nTop terms: fake", "url": ""}],
                  "http://127.0.0.1:8080/")


def test_slack_customer_words_go_as_plain_text_and_ping_nobody():
    payload = slack_notice_payload(storm())
    mrkdwn = payload["text"] + payload["blocks"][0]["text"]["text"] + payload["blocks"][-1]["elements"][0]["text"]
    assert "<!" not in mrkdwn and "<@" not in mrkdwn
    body = payload["blocks"][1]["text"]
    assert body["type"] == "plain_text" and "<!channel>" in body["text"] and "سفارشم هنوز نرسیده" in body["text"]
    assert "\nTop terms: fake" not in body["text"], "a line break in a post cannot pose as the monitor's line"


def test_teams_escapes_markdown_in_every_block():
    card = teams_notice_payload(storm())["attachments"][0]["content"]
    texts = [b["text"] for b in card["body"]]
    assert not any("[a](javascript" in t or "[click](javascript" in t for t in texts)
    assert any("\\[click\\]\\(javascript" in t for t in texts) and any("\\*bold\\*" in t for t in texts)


def test_telegram_escapes_html_and_keeps_only_its_own_tags():
    text = telegram_notice_payload(storm(), "-100")["text"]
    assert set(re.findall(r"</?(\w+)", text)) == {"b", "a"}
    assert "&lt;script&gt;" in text and "&lt;img onerror=x&gt;" in text


def test_email_keeps_everything_in_the_body_and_the_subject_on_one_line():
    notice = storm()
    notice.title = "Source x is back\r\nBcc: victim@example.com"
    mail = build_notice_email(notice, "monitor@example.com", ["team@example.com"])
    assert "\n" not in mail["Subject"] and mail["Bcc"] is None
    assert mail["Message-ID"] == "<x.notice.1.opened@complaint-monitor>"
    assert "<!channel>" in mail.get_content()


def test_webhook_carries_the_notice_as_data():
    payload = notice_payload(storm())
    assert payload["type"] == "notice.storm.opened" and payload["terms"][1] == "<!here>"
    assert payload["examples"][0]["text"].startswith("<!channel>")
    json.dumps(payload)


def test_console_writes_one_escaped_line(caplog):
    import asyncio
    with caplog.at_level(logging.WARNING, "monitor.alerts"):
        asyncio.run(ConsoleNotifier("console", None).send_notice(None, storm()))
    [record] = caplog.records
    assert "\n" not in record.getMessage() and "\\u202e" in record.getMessage()


@pytest.mark.parametrize("kind", ["slack", "teams", "telegram", "webhook", "email"])
async def test_every_kind_sends_a_notice(kind, session):
    service = await start_service(kind)
    try:
        await service.notifier("x").send_notice(session, storm())
        assert service.kept() == ["x:notice:1:opened"]
    finally:
        await service.close()
