"""Inbound webhook: mentions pushed by other tools (a CRM, an automation platform), verified by HMAC.

Accepted signatures, checked against the raw body before any parsing, with constant-time compares:
- `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>` (GitHub/Meta convention);
- Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>` over
  "{id}.{timestamp}.{body}" with the base64 key of a `whsec_...` secret; timestamps more than the
  replay window away from now are refused.
The payload is our contract: {"id", "url", "author": {"name", "handle", "followers"}, "text",
"created_at", "lang", "rating"}, one object or a list. The mention id makes a re-delivery harmless.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from typing import Callable, ClassVar, Mapping

from multidict import CIMultiDict
from pydantic import Field, SecretStr

from connectors.base import Connector, ConnectorOptions
from monitor.clock import parse_iso
from monitor.models import RAW_CAP, Author, Mention

MAX_BODY = 1024 * 1024


class IngestError(Exception):
    """Refused delivery: `status` is the HTTP answer (401 bad signature, 400 bad payload)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class WebhookIngestOptions(ConnectorOptions):
    secret: SecretStr
    replay_window: int = Field(300, ge=30)   # seconds a Standard Webhooks timestamp may be off


class WebhookIngestConnector(Connector):
    """Pushed, not polled: the scheduler starts no task for it; the web server's /ingest/<name> does the work."""
    kind = "webhook"
    Options = WebhookIngestOptions
    pushed: ClassVar[bool] = True

    async def fetch(self, session, cursor):
        raise NotImplementedError("webhook sources are pushed to POST /ingest/<name>")


def verify(headers: Mapping[str, str], body: bytes, secret: str, now: datetime, window: int) -> None:
    hub = headers.get("X-Hub-Signature-256")
    if hub:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(hub.strip(), expected):
            raise IngestError(401, "X-Hub-Signature-256 does not match")
        return
    msg_id, stamp, signatures = (headers.get("webhook-id"), headers.get("webhook-timestamp"),
                                 headers.get("webhook-signature"))
    if not (msg_id and stamp and signatures):
        raise IngestError(401, "no signature: send X-Hub-Signature-256 or the Standard Webhooks headers")
    if not stamp.isdigit() or abs(now.timestamp() - int(stamp)) > window:
        raise IngestError(401, "webhook-timestamp outside the replay window")
    key = base64.b64decode(secret[len("whsec_"):]) if secret.startswith("whsec_") else secret.encode()
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return
    raise IngestError(401, "webhook-signature does not match")


def parse_mentions(source: str, body: bytes, now: datetime) -> list[Mention]:
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(400, f"body is not JSON: {exc.__class__.__name__}") from exc
    items = payload if isinstance(payload, list) else [payload]
    mentions = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not str(item.get("id") or "").strip() or not isinstance(item.get("text"), str):
            raise IngestError(400, f"item {i}: needs at least an id and a text")
        author = item.get("author") if isinstance(item.get("author"), dict) else {}
        followers = author.get("followers")
        rating = item.get("rating")
        mentions.append(Mention(
            source=source, native_id=str(item["id"])[:200], text=item["text"], kind="webhook",
            url=str(item.get("url") or "")[:2000], lang=item.get("lang") if isinstance(item.get("lang"), str) else None,
            author=Author(handle=str(author.get("handle") or "")[:200], name=str(author.get("name") or "")[:200],
                          followers=followers if isinstance(followers, int) else None),
            published_at=_time(item.get("created_at")) or now, fetched_at=now,
            rating=float(rating) if isinstance(rating, (int, float)) and not isinstance(rating, bool) else None,
            raw=json.dumps(item, ensure_ascii=False)[:RAW_CAP],
        ))
    return mentions


def _time(value) -> datetime | None:
    try:
        return parse_iso(value) if isinstance(value, str) else None
    except ValueError:
        return None


def verify_and_parse(headers: Mapping[str, str], body: bytes, secret: str, now: datetime,
                     seen_ids: "set[str] | Callable[[str], bool]", *, source: str = "webhook",
                     window: int = 300) -> list[Mention]:
    """Everything POST /ingest/<source> does before storing: size, signature on the raw bytes, replay
    window, idempotency on the delivery id, then the payload. Raises IngestError (with its HTTP status).

    A delivery id already seen returns [] (answer 2xx: the sender retried something we have). The id
    is webhook-id, or X-GitHub-Delivery / X-Delivery-Id for X-Hub-Signature-256 senders; it is
    recorded only once the payload parsed, so a fixed re-send of a broken delivery still gets in.
    `seen_ids` is a set, or a callable that answers "seen before?" and records the id.
    """
    if len(body) > MAX_BODY:
        raise IngestError(413, f"body of {len(body)} bytes is over the {MAX_BODY} byte cap")
    if not secret:
        raise IngestError(500, "no secret configured for this source")
    headers = CIMultiDict(headers)            # header names are case-insensitive whatever the caller passes
    verify(headers, body, secret, now, window)
    delivery = next((headers[h] for h in ("webhook-id", "X-GitHub-Delivery", "X-Delivery-Id") if headers.get(h)), None)
    if delivery and isinstance(seen_ids, (set, frozenset)) and delivery in seen_ids:
        return []
    # The payload's `text` is plain text by contract and kept verbatim, as X's or Telegram's JSON is:
    # "<3" or "a < b" are the customer's words. Escaping is each display's and format's job.
    mentions = parse_mentions(source, body, now)
    if delivery:
        if isinstance(seen_ids, set):
            seen_ids.add(delivery)
        elif callable(seen_ids) and seen_ids(delivery):
            return []
    return mentions
