"""Email against a real local SMTP server (aiosmtpd): delivered, escaped, no header injection."""
from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from monitor.notifiers.base import DeliveryError
from monitor.notifiers.email import EmailNotifier, EmailOptions
from tests.notifiers.receivers import message


class Inbox:
    def __init__(self, code: str = "250 OK"):
        self.messages: list[email.message.Message] = []
        self.code = code

    async def handle_DATA(self, server, session, envelope):
        if not self.code.startswith("250"):
            return self.code
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    servers = []

    def start(code="250 OK"):
        inbox = Inbox(code)
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append(controller)
        return inbox, controller.port
    yield start
    for c in servers:
        c.stop()


def notifier(port: int) -> EmailNotifier:
    return EmailNotifier("mail", EmailOptions(host="127.0.0.1", port=port, starttls=False,
                                              sender="monitor@example.com", to=["team@example.com"]))


async def test_an_alert_arrives_with_the_text_in_the_body_only(smtp):
    inbox, port = smtp()
    hostile = "refund now\r\nBcc: victim@example.com\r\n\r\n<script>x</script>"
    await notifier(port).send(None, message(hostile, author="eve\r\nBcc: x@example.com"))
    [mail] = inbox.messages
    assert mail["To"] == "team@example.com" and mail["Bcc"] is None
    assert "\n" not in mail["Subject"] and mail["Subject"].startswith("[complaint #7]")
    body = mail.get_content()
    assert "Bcc: victim@example.com" in body, "kept as text in the body, harmless there"
    assert "http://127.0.0.1:8080/alerts/7" in body


async def test_a_temporary_refusal_is_retried_and_a_permanent_one_is_not(smtp):
    for code, retry in (("451 try later", True), ("550 no such user", False)):
        _, port = smtp(code)
        with pytest.raises(DeliveryError) as info:
            await notifier(port).send(None, message("late"))
        assert info.value.retry is retry


async def test_a_server_that_is_down_is_retried():
    with pytest.raises(DeliveryError) as info:
        await notifier(free_port()).send(None, message("late"))
    assert info.value.retry
