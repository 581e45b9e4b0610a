"""Inbound webhook: HMAC verification (GitHub and Standard Webhooks), replay window, idempotency."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timezone

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from connectors.webhook_ingest import IngestError, WebhookIngestOptions, verify
from monitor.clock import FakeClock
from monitor.store import Store
from monitor.web.app import WebContext, create_app

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
SECRET = "whsec_" + base64.b64encode(b"ingest-key").decode()


def test_github_documented_vector():
    verify({"X-Hub-Signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"},
           b"Hello, World!", "It's a Secret to Everybody", NOW, 300)
    with pytest.raises(IngestError, match="does not match"):
        verify({"X-Hub-Signature-256": "sha256=00"}, b"Hello, World!", "It's a Secret to Everybody", NOW, 300)


def standard_headers(body: bytes, msg_id="msg_1", stamp=None, key=b"ingest-key") -> dict:
    stamp = str(stamp if stamp is not None else int(NOW.timestamp()))
    sig = base64.b64encode(hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
    return {"webhook-id": msg_id, "webhook-timestamp": stamp, "webhook-signature": f"v1,{sig}",
            "Content-Type": "application/json"}


@pytest.fixture
async def client(tmp_path):
    store = Store(tmp_path / "i.db")
    woken = []
    ctx = WebContext(store, FakeClock(NOW), {}, [], [], ingest={"crm": WebhookIngestOptions(secret=SecretStr(SECRET))},
                     on_ingest=lambda: woken.append(1))
    async with TestClient(TestServer(create_app(ctx))) as c:
        c.store, c.woken = store, woken
        yield c


PAYLOAD = json.dumps({"id": "case-42", "url": "https://crm.example/case/42", "text": "سفارشم هنوز نرسیده",
                      "author": {"name": "Sara", "handle": "sara", "followers": 12},
                      "created_at": "2026-05-01T11:50:00Z", "lang": "fa", "rating": 1}).encode()


async def test_a_signed_delivery_is_stored_once(client):
    resp = await client.post("/ingest/crm", data=PAYLOAD, headers=standard_headers(PAYLOAD))
    assert resp.status == 202 and await resp.json() == {"accepted": 1, "new": 1}
    again = await client.post("/ingest/crm", data=PAYLOAD, headers=standard_headers(PAYLOAD))
    assert await again.json() == {"accepted": 1, "new": 0}, "a re-delivery stores nothing twice"
    [row] = client.store.rows("SELECT * FROM mentions")
    assert (row["native_id"], row["author_followers"], row["rating"], row["published_at"]) == \
        ("case-42", 12, 1.0, "2026-05-01T11:50:00Z")
    assert client.woken


@pytest.mark.parametrize("headers,status", [
    (lambda b: standard_headers(b, key=b"wrong"), 401),
    (lambda b: standard_headers(b, stamp=int(NOW.timestamp()) - 3600), 401),
    (lambda b: {"Content-Type": "application/json"}, 401),
], ids=["bad signature", "outside the replay window", "unsigned"])
async def test_refused_deliveries(client, headers, status):
    resp = await client.post("/ingest/crm", data=PAYLOAD, headers=headers(PAYLOAD))
    assert resp.status == status
    assert client.store.rows("SELECT COUNT(*) n FROM mentions")[0]["n"] == 0


async def test_a_bad_payload_and_an_unknown_source(client):
    body = b'{"text": "no id"}'
    assert (await client.post("/ingest/crm", data=body, headers=standard_headers(body))).status == 400
    assert (await client.post("/ingest/nope", data=body, headers=standard_headers(body))).status == 404
