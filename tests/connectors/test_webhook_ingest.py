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
    assert again.status == 202 and await again.json() == {"accepted": 0, "new": 0}, "a re-delivery stores nothing"
    [row] = client.store.rows("SELECT * FROM mentions")
    assert (row["native_id"], row["author_followers"], row["rating"], row["published_at"]) == \
        ("case-42", 12, 1.0, "2026-05-01T11:50:00Z")
    assert client.woken


async def test_the_delivery_id_is_remembered_across_bodies_and_a_new_id_gets_in(client):
    first = json.dumps({"id": "case-1", "text": "<b>order</b> never arrived"}).encode()
    await client.post("/ingest/crm", data=first, headers=standard_headers(first, msg_id="msg_9"))
    edited = json.dumps({"id": "case-2", "text": "order never arrived"}).encode()
    same_delivery = await client.post("/ingest/crm", data=edited, headers=standard_headers(edited, msg_id="msg_9"))
    assert await same_delivery.json() == {"accepted": 0, "new": 0}, "one delivery id is one delivery"
    other = await client.post("/ingest/crm", data=edited, headers=standard_headers(edited, msg_id="msg_10"))
    assert await other.json() == {"accepted": 1, "new": 1}
    texts = [r["text"] for r in client.store.rows("SELECT text FROM mentions ORDER BY id")]
    assert texts == ["<b>order</b> never arrived", "order never arrived"], "JSON text is kept as written"


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


# verify_and_parse: the pure function, with delivery-id idempotency (no web server needed)

def hub_headers(body: bytes, secret: str = "It's a Secret to Everybody", delivery="d-1") -> dict:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"x-hub-signature-256": f"sha256={digest}", "x-github-delivery": delivery}   # lower case on purpose


def test_verify_and_parse_accepts_the_github_vector_with_lowercase_headers():
    from connectors.webhook_ingest import verify_and_parse
    headers = {"x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}
    with pytest.raises(IngestError, match="not JSON") as info:        # the signature held; the body is not ours
        verify_and_parse(headers, b"Hello, World!", "It's a Secret to Everybody", NOW, set())
    assert info.value.status == 400


class SeenInStore:
    """What the lead's store would pass: answers "seen before?" and records the id."""

    def __init__(self):
        self.ids: set[str] = set()

    def __call__(self, delivery: str) -> bool:
        seen = delivery in self.ids
        self.ids.add(delivery)
        return seen


DELIVERIES = {
    # name: (seen_ids factory, second delivery's result length)
    "a set remembers the delivery id": (set, 0),
    "a callable decides": (SeenInStore, 0),
}


@pytest.mark.parametrize("factory,again", DELIVERIES.values(), ids=DELIVERIES.keys())
def test_verify_and_parse_is_idempotent_on_the_delivery_id(factory, again):
    from connectors.webhook_ingest import verify_and_parse
    seen = factory()
    body = json.dumps({"id": "m1", "text": "order & refund <3", "rating": 2}).encode()
    [mention] = verify_and_parse(standard_headers(body), body, SECRET, NOW, seen, source="crm")
    assert (mention.source, mention.text, mention.rating) == ("crm", "order & refund <3", 2.0)
    assert len(verify_and_parse(standard_headers(body), body, SECRET, NOW, seen, source="crm")) == again


REFUSALS = {
    # name: (headers, body, secret, status, words)
    "bad hub signature": (lambda b: hub_headers(b, secret="nope"), b'{"id":"1","text":"x"}', "It's a Secret to Everybody", 401, "does not match"),
    "stale timestamp": (lambda b: standard_headers(b, stamp=int(NOW.timestamp()) - 301), b'{"id":"1","text":"x"}', SECRET, 401, "replay window"),
    "unsigned": (lambda b: {}, b'{"id":"1","text":"x"}', SECRET, 401, "no signature"),
    "oversized": (lambda b: {}, b" " * (1024 * 1024 + 1), SECRET, 413, "byte cap"),
    "bad encoding": (lambda b: hub_headers(b), b'{"id":"1","text":"\xff"}', "It's a Secret to Everybody", 400, "not JSON"),
    "no secret configured": (lambda b: {}, b"{}", "", 500, "no secret"),
}


@pytest.mark.parametrize("headers,body,secret,status,words", REFUSALS.values(), ids=REFUSALS.keys())
def test_verify_and_parse_refusals(headers, body, secret, status, words):
    from connectors.webhook_ingest import verify_and_parse
    seen: set[str] = set()
    with pytest.raises(IngestError, match=words) as info:
        verify_and_parse(headers(body), body, secret, NOW, seen)
    assert info.value.status == status and not seen, "a refused delivery is not remembered"
