"""The notifier contract: `await send(session, message)` for an alert's event and
`await send_notice(session, notice)` for what the monitor says about itself (a complaint storm, a
silent source); the outbox sender retries and keeps the order.

Messages and notices are built from stored rows only, so a delivery can be retried after a restart.
Customer text is untrusted: each notifier escapes it for its own format.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from monitor.notifiers.words import say

TEXT_CAP = 1000   # characters of customer text carried in a notification


class NotifierOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The monitor's own words in this notifier's messages (monitor/notifiers/words.py); customer
    # text is never translated.
    language: Literal["en", "fa", "ar"] = "en"


def retryable(status: int) -> bool:
    """Whether an HTTP failure can get better without changing the message: the receiver is busy or
    down (408, 425, 429, 5xx), or the endpoint or credential is wrong or gone (401, 403, 404, 410),
    which concerns every message alike and is fixed by the team, after which the backlog drains.
    Anything else (400, 413, 422 ...) is about this message: retrying it cannot help."""
    return status in (401, 403, 404, 408, 410, 425, 429) or status >= 500


class DeliveryError(Exception):
    """A send failed; `retry` says whether trying again can help, `retry_after` if the receiver said when."""

    def __init__(self, message: str, *, retry: bool = True, retry_after: float | None = None):
        super().__init__(message)
        self.retry = retry
        self.retry_after = retry_after


@dataclass
class Message:
    idempotency_key: str
    event: str                 # created, claimed, responded, resolved, dismissed, warning, breach
    alert: dict[str, Any]      # alert_public() shape
    mention: dict[str, Any]    # mention_public() shape
    link: str                  # the alert on the dashboard
    time_left: float           # seconds until due (negative once breached)
    lang: str = "en"           # the notifier's language for the monitor's own words


@dataclass
class Notice:
    idempotency_key: str
    kind: str                  # storm, source-silent
    phase: str                 # opened, closed
    priority: str
    title: str                 # the monitor's words, but it may name a source's error: escape it too
    lines: list[str] = field(default_factory=list)       # more of the same
    terms: list[str] = field(default_factory=list)       # customer words (a storm's top terms)
    examples: list[dict[str, Any]] = field(default_factory=list)   # {source, author, text, url}: customer text
    link: str = ""
    lang: str = "en"


class Notifier:
    kind: ClassVar[str] = ""
    Options: ClassVar[type[NotifierOptions]] = NotifierOptions

    def __init__(self, name: str, options: NotifierOptions):
        self.name = name
        self.options = options

    async def send(self, session, message: Message) -> None:
        raise NotImplementedError

    async def send_notice(self, session, notice: Notice) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        pass


def cap(text: str, limit: int = TEXT_CAP) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


WHY_CAP = 300     # characters of one rule's explanation in a notification; the dashboard shows it all


def why(message: Message) -> str:
    """Why this is on the queue, in one line per rule that fired (unescaped: each notifier escapes it).
    The explanation quotes customer words, so it is capped and kept on its own lines like the text."""
    lines = []
    for step in message.alert.get("explanation") or []:
        held = " ".join(str(step.get("held", "")).split())
        lines.append(cap(f"{say('Why', message.lang)}: {step.get('rule', '?')}: {held}", WHY_CAP))
    return "\n".join(lines[:3])


def notice_body(notice: Notice, text_cap: int = 280) -> list[str]:
    """A notice's body as plain lines (unescaped: each notifier escapes them for its format)."""
    body = list(notice.lines)
    if notice.terms:
        body.append(f"{say('Top terms', notice.lang)}: " + ", ".join(notice.terms))
    for ex in notice.examples:
        who = ex.get("author") or say("someone", notice.lang)
        # One line per example: a line break in a post must not pose as a line of the monitor's own.
        text = " ".join(str(ex.get("text", "")).split())
        body.append(f"- @{who} {say('on', notice.lang)} {ex.get('source', '?')}: {cap(text, text_cap)}")
    return body
