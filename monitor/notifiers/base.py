"""The notifier contract: `await send(message)`; the outbox sender retries and keeps the order.

A Message is built from stored rows only, so a delivery can be retried after a restart.
Customer text is untrusted: each notifier escapes it for its own format.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

TEXT_CAP = 1000   # characters of customer text carried in a notification


class NotifierOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class Notifier:
    kind: ClassVar[str] = ""
    Options: ClassVar[type[NotifierOptions]] = NotifierOptions

    def __init__(self, name: str, options: NotifierOptions):
        self.name = name
        self.options = options

    async def send(self, session, message: Message) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        pass


def cap(text: str, limit: int = TEXT_CAP) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_time_left(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    span = f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"
    return f"{span} left" if seconds >= 0 else f"overdue by {span}"
