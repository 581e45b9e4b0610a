"""Email through SMTP with an async client (aiosmtplib). Customer text goes in the body only; the
subject is built from the headline with every line break removed, so no header can be injected."""
from __future__ import annotations

import re
from email.message import EmailMessage

import aiosmtplib
from pydantic import Field, SecretStr

from monitor.notifiers.base import DeliveryError, Message, Notice, Notifier, NotifierOptions, cap, notice_body, why
from monitor.notifiers.chat import headline
from monitor.notifiers.words import say

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_SURROGATES = re.compile("[\ud800-\udfff]")


class EmailOptions(NotifierOptions):
    host: str = Field(min_length=1)
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    username: str | None = None
    password: SecretStr | None = None
    sender: str = Field(min_length=3)
    to: list[str] = Field(min_length=1)
    timeout: float = Field(15, gt=0)


class EmailNotifier(Notifier):
    kind = "email"
    Options = EmailOptions

    async def send(self, session, message: Message) -> None:
        await self._send(build_email(message, self.options.sender, self.options.to))

    async def send_notice(self, session, notice: Notice) -> None:
        await self._send(build_notice_email(notice, self.options.sender, self.options.to))

    async def _send(self, email: EmailMessage) -> None:
        o = self.options
        try:
            await aiosmtplib.send(email, hostname=o.host, port=o.port,
                                  start_tls=o.starttls, username=o.username,
                                  password=o.password.get_secret_value() if o.password else None, timeout=o.timeout)
        except aiosmtplib.SMTPResponseException as exc:
            # 4xx is "try later"; 5xx (bad address, refused) will not get better by itself.
            raise DeliveryError(f"SMTP {exc.code}", retry=400 <= exc.code < 500) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryError(exc.__class__.__name__) from exc


def subject_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text)[:200]


def mailable(text: str) -> str:
    """No NUL (RFC 5322 forbids it; a server refusing the message would lose the alert for good) and no
    lone surrogate (it cannot be encoded; stored rows have none, but a message must never fail to build)."""
    return _SURROGATES.sub("\ufffd", text.replace("\x00", ""))


def build_email(message: Message, sender: str, to: list[str]) -> EmailMessage:
    m = message.mention
    email = EmailMessage()
    email["From"] = sender
    email["To"] = ", ".join(to)
    title = mailable(headline(message))
    email["Subject"] = subject_line(f"[{say('complaint', message.lang)} #{message.alert['id']}] {title}")
    email["Message-ID"] = f"<{message.idempotency_key.replace(':', '.')}@complaint-monitor>"
    reason = f"{mailable(why(message))}\n\n" if message.alert.get("explanation") else ""
    email.set_content(f"{title}\n\n{mailable(cap(m['text']))}\n\n{reason}{say('Open the alert', message.lang)}: {message.link}\n")
    return email


def build_notice_email(notice: Notice, sender: str, to: list[str]) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = ", ".join(to)
    email["Subject"] = subject_line(f"[complaint monitor] {notice.title}")
    email["Message-ID"] = f"<{notice.idempotency_key.replace(':', '.')}@complaint-monitor>"
    email.set_content("\n".join([notice.title, "", *notice_body(notice), "", f"{say('Open the monitor', notice.lang)}: {notice.link}"]) + "\n")
    return email
