"""Every notification says why the post is on the queue (the rules that fired and the words that held),
escaped for its format: the explanation quotes the customer's words."""
from __future__ import annotations

from monitor.notifiers.base import WHY_CAP, why
from monitor.notifiers.chat import slack_payload, teams_payload, telegram_payload
from monitor.notifiers.email import build_email
from tests.notifiers.receivers import message

HOSTILE_HELD = "terms: '<!channel>', '</i><b>[x](http://evil)'; sentiment=-0.60 (awful)"


def explained(held: str = HOSTILE_HELD):
    m = message()
    m.alert["explanation"] = [{"rule": "service-failure", "held": held}]
    return m


def test_slack_shows_why_as_plain_text_that_pings_nobody():
    blocks = slack_payload(explained())["blocks"]
    [context] = [b for b in blocks if b["type"] == "context" and b["elements"][0]["type"] == "plain_text"]
    assert context["elements"][0]["text"].startswith("Why: service-failure: terms: '<!channel>'")


def test_teams_shows_why_with_markdown_escaped():
    texts = [b["text"] for b in teams_payload(explained())["attachments"][0]["content"]["body"]]
    assert any(t.startswith("Why: service-failure") and "\\[x\\]\\(http://evil\\)" in t for t in texts)


def test_telegram_shows_why_html_escaped():
    text = telegram_payload(explained(), "1")["text"]
    assert "<i>Why: service-failure: terms: &#x27;&lt;!channel&gt;&#x27;, &#x27;&lt;/i&gt;&lt;b&gt;" in text
    assert text.count("<i>") == text.count("</i>") == 1, "the customer's tags stay text"


def test_email_shows_why_in_the_body():
    body = build_email(explained(), "monitor@example.com", ["team@example.com"]).get_content()
    assert "Why: service-failure: terms: '<!channel>'" in body


def test_why_is_one_capped_line_per_rule():
    line = why(explained("a\nb " + "x" * 5000))
    assert "\n" not in line and len(line) <= WHY_CAP
    assert why(message()) == "", "an alert stored without an explanation says nothing"


def test_a_long_post_with_its_why_lines_still_fits_one_telegram_message():
    m = message("x" * 10_000)
    m.alert["explanation"] = [{"rule": f"rule-{i}", "held": "y" * 1000} for i in range(3)]
    text = telegram_payload(m, "1")["text"]
    visible = text.replace("<b>", "").replace("</b>", "").replace("<i>", "").replace("</i>", "")
    assert len(visible) <= 4096 and "Why: rule-2" in text
