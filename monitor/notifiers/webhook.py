"""A generic webhook: JSON POST signed with the Standard Webhooks headers (webhook-id/-timestamp/-signature)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import aiohttp
from pydantic import Field, SecretStr

from connectors.http import retry_after_seconds
from monitor.notifiers.base import DeliveryError, Message, Notice, Notifier, NotifierOptions, cap, retryable


class WebhookOptions(NotifierOptions):
    url: str = Field(min_length=1)
    secret: SecretStr | None = None     # whsec_<base64> or any string; signs the body when given
    timeout: float = Field(10, gt=0)


class WebhookNotifier(Notifier):
    kind = "webhook"
    Options = WebhookOptions

    async def send(self, session: aiohttp.ClientSession, message: Message) -> None:
        await self._post(session, payload(message), message.idempotency_key)

    async def send_notice(self, session: aiohttp.ClientSession, notice: Notice) -> None:
        await self._post(session, notice_payload(notice), notice.idempotency_key)

    async def _post(self, session: aiohttp.ClientSession, data: dict, key: str) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": key,
                   **sign(key, int(time.time()), body, self.options.secret)}
        try:
            async with session.post(self.options.url, data=body, headers=headers,
                                    timeout=aiohttp.ClientTimeout(total=self.options.timeout)) as resp:
                await resp.read()
                if resp.status < 300:
                    return
                raise DeliveryError(f"HTTP {resp.status}", retry=retryable(resp.status),
                                    retry_after=retry_after_seconds(resp.headers.get("Retry-After")))
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"{exc.__class__.__name__}: {exc}") from exc


def payload(message: Message) -> dict:
    m = dict(message.mention)
    m["text"] = cap(m["text"])
    m.pop("verdict", None)
    return {"type": f"alert.{message.event}", "alert": message.alert, "mention": m,
            "link": message.link, "time_left_seconds": int(message.time_left)}


def notice_payload(notice: Notice) -> dict:
    """JSON carries customer text safely as it is; the receiver escapes for wherever it shows it."""
    examples = [{**ex, "text": cap(str(ex.get("text", "")), 280)} for ex in notice.examples]
    return {"type": f"notice.{notice.kind}.{notice.phase}", "priority": notice.priority, "title": notice.title,
            "lines": notice.lines, "terms": notice.terms, "examples": examples, "link": notice.link}


def sign(msg_id: str, timestamp: int, body: bytes, secret: SecretStr | None) -> dict[str, str]:
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(timestamp)}
    if secret is None:
        return headers
    raw = secret.get_secret_value()
    key = base64.b64decode(raw[len("whsec_"):]) if raw.startswith("whsec_") else raw.encode()
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    headers["webhook-signature"] = "v1," + base64.b64encode(digest).decode()
    return headers
