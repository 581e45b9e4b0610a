"""Google Play reviews.list against a local API and token endpoint that verify the RS256 assertion."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

import pytest
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from connectors.errors import AuthError, RateLimited
from connectors.googleplay import SCOPE, GooglePlayConnector, GooglePlayOptions
from monitor.clock import FakeClock
from tests.connectors.faults import FAULTS, MAX_BYTES, TIMEOUT

NOW = datetime(2026, 8, 1, 14, 0, tzinfo=timezone.utc)
PACKAGE = "com.acme.app"
PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PEM = PRIVATE.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
KEY = json.dumps({"type": "service_account", "client_email": "monitor@acme.iam.gserviceaccount.com",
                  "private_key_id": "k1", "private_key": PEM, "token_uri": "https://oauth2.googleapis.com/token"})


def unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def review(rid: str, text: str, stars: int, minutes_ago: float = 5) -> dict:
    """reviews.list's Review resource, as the Play Developer API reference describes it."""
    return {"reviewId": rid, "authorName": "کاربر گوگل",
            "comments": [{"userComment": {"text": text, "lastModified": {"seconds": str(int((NOW - timedelta(minutes=minutes_ago)).timestamp())), "nanos": 0},
                                          "starRating": stars, "reviewerLanguage": "fa_IR", "device": "a10", "androidOsVersion": 33,
                                          "appVersionCode": 120, "appVersionName": "1.2.0", "thumbsUpCount": 3, "thumbsDownCount": 0}},
                         {"developerComment": {"text": "Thanks", "lastModified": {"seconds": "1", "nanos": 0}}}]}


class Play:
    def __init__(self, reviews=()):
        self.reviews, self.tokens, self.token_calls, self.revoked = list(reviews), set(), 0, False

    async def token(self, request):
        self.token_calls += 1
        form = parse_qs(await request.text())
        header, claims, signature = form["assertion"][0].split(".")
        try:
            PRIVATE.public_key().verify(unb64(signature), f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return web.json_response({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, status=400)
        c = json.loads(unb64(claims))
        assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"] and json.loads(unb64(header))["kid"] == "k1"
        assert c["iss"] == "monitor@acme.iam.gserviceaccount.com" and c["scope"] == SCOPE and c["aud"].endswith("/token")
        token = f"ya29.token{self.token_calls}"
        self.tokens = {token}
        return web.json_response({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    async def list_reviews(self, request):
        if request.headers.get("Authorization", "")[7:] not in self.tokens or self.revoked:
            self.revoked = False
            return web.json_response({"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                                "status": "UNAUTHENTICATED"}}, status=401)
        start = int(request.query.get("token", 0))
        size = int(request.query.get("maxResults", 10))
        body = {"reviews": self.reviews[start:start + size], "pageInfo": {"totalResults": len(self.reviews)}}
        if start + size < len(self.reviews):
            body["tokenPagination"] = {"nextPageToken": str(start + size)}
        return web.json_response(body)

    def app(self, handler=None):
        app = web.Application()
        app.router.add_post("/token", self.token)
        app.router.add_get(f"/androidpublisher/v3/applications/{PACKAGE}/reviews", handler or self.list_reviews)
        return app


def connector(url, key=KEY):
    options = GooglePlayOptions(base_url=url, package_name=PACKAGE, service_account=key, max_bytes=MAX_BYTES)
    return GooglePlayConnector("play", options, timeout=TIMEOUT, clock=FakeClock(NOW))


async def test_reviews_carry_stars_language_and_the_edit_time(serve, session):
    server = await serve(Play([review("gp:AOqpTO1", "\tبرنامه همش کرش میکنه", 1), review("gp:2", "Great\tworks", 5)]).app())
    batch = await connector(server.url).fetch(session, None)
    first, second = batch.mentions
    assert (first.text, first.rating, first.lang, first.author.name) == ("برنامه همش کرش میکنه", 1.0, "fa", "کاربر گوگل")
    assert second.text == "Great\nworks" and first.published_at == NOW - timedelta(minutes=5)
    assert first.url == f"https://play.google.com/store/apps/details?id={PACKAGE}&reviewId=gp:AOqpTO1"
    assert first.engagement == {"thumbsUpCount": 3, "thumbsDownCount": 0}


async def test_the_token_is_reused_across_polls_and_renewed_once_when_revoked(serve, session):
    play = Play([review("1", "x", 2)])
    server = await serve(play.app())
    conn = connector(server.url)
    cursor = (await conn.fetch(session, None)).cursor
    cursor = (await conn.fetch(session, cursor)).cursor
    assert play.token_calls == 1
    play.revoked = True
    await conn.fetch(session, cursor)
    assert play.token_calls == 2


async def test_a_burst_is_paged_until_known_reviews(serve, session):
    play = Play([review("old", "x", 3)])
    server = await serve(play.app())
    conn = connector(server.url)
    cursor = (await conn.fetch(session, None)).cursor
    play.reviews = [review(f"n{i}", "x", 1) for i in range(150)] + play.reviews
    batch = await conn.fetch(session, cursor)
    assert len(batch.mentions) == 150 and "old" not in {m.native_id for m in batch.mentions}


async def test_first_run_skips_old_reviews_and_empty_pages_are_fine(serve, session):
    server = await serve(Play([review("new", "x", 1), review("old", "x", 1, minutes_ago=3 * 24 * 60)]).app())
    batch = await connector(server.url).fetch(session, None)
    assert [m.native_id for m in batch.mentions] == ["new"] and batch.cursor == {"seen": ["new", "old"]}
    empty = await serve(Play().app())
    assert (await connector(empty.url).fetch(session, {"seen": []})).mentions == []


async def test_a_wrong_key_is_refused_by_the_token_endpoint(serve, session):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    server = await serve(Play().app())
    with pytest.raises(AuthError, match="invalid_grant"):
        await connector(server.url, key=json.dumps({**json.loads(KEY), "private_key": other})).fetch(session, None)


async def test_a_key_that_is_not_json_is_named_without_echoing_it(serve, session):
    server = await serve(Play().app())
    with pytest.raises(AuthError, match="not a service account JSON key") as info:
        await connector(server.url, key="-----BEGIN PRIVATE KEY----- oops").fetch(session, None)
    assert "oops" not in str(info.value)


async def test_429_and_quota(serve, session):
    async def limited(request):
        return web.json_response({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "Quota exceeded"}},
                                 status=429, headers={"Retry-After": "120"})
    server = await serve(Play().app(limited))
    with pytest.raises(RateLimited) as info:
        await connector(server.url).fetch(session, None)
    assert info.value.retry_after == 120


@pytest.mark.parametrize("handler,error,message", FAULTS.values(), ids=FAULTS.keys())
async def test_faults(serve, session, handler, error, message):
    server = await serve(Play().app(handler))
    with pytest.raises(error, match=message):
        await connector(server.url).fetch(session, None)
