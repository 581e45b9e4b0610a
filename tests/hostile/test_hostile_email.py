"""The hostile corpus through the email notifier's message builder: as the post and as its author.

What must hold for every text: the message serialises; parsed back it has exactly the headers the
builder wrote, none carrying a line break (no injected Bcc, one Subject); the body is capped; and
no NUL reaches the wire (RFC 5322 forbids it, and servers that refuse such a message would lose
the alert for good).
"""
from __future__ import annotations

import email
import email.policy

import pytest

from monitor.notifiers.base import TEXT_CAP, Message
from monitor.notifiers.email import build_email
from tests.hostile.corpus import CORPUS

HEADERS = ["From", "To", "Subject", "Message-ID", "Content-Type", "Content-Transfer-Encoding", "MIME-Version"]
BODY_CAP = TEXT_CAP + 400     # the post's capped text, the headline and the link
SUBJECT_CAP = 200


def message(text: str, author: str) -> Message:
    alert = {"id": 7, "priority": "high", "team": "support", "due_at": "2026-03-01T13:00:00Z", "rules": ["r"]}
    mention = {"source": "feed", "author": {"handle": author, "name": author}, "text": text}
    return Message("email:7:1", "created", alert, mention, "http://127.0.0.1:8080/alerts/7", 25 * 60)


CASES = [(f"{name} as {role}", text if role == "text" else "refund please", text if role == "author" else "sara")
         for name, text in CORPUS for role in ("text", "author")]


@pytest.mark.parametrize("text,author", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_text_cannot_inject_a_header_or_grow_the_mail(text, author):
    raw = build_email(message(text, author), "monitor@example.com", ["team@example.com"]).as_bytes()
    assert b"\x00" not in raw
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert mail.keys() == HEADERS, "no header added, none twice"
    assert all("\r" not in value and "\n" not in value for value in mail.values())
    assert mail["To"] == "team@example.com" and mail["Bcc"] is None and mail["Cc"] is None
    assert mail["Subject"].startswith("[complaint #7] CREATED") and len(mail["Subject"]) <= SUBJECT_CAP
    body = mail.get_content()
    assert len(body) <= BODY_CAP and body.rstrip().endswith("Open the alert: http://127.0.0.1:8080/alerts/7")
