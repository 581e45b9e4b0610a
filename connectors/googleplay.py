"""Google Play reviews through the Google Play Developer API (reviews.list), for the app's own developer.

    GET https://androidpublisher.googleapis.com/androidpublisher/v3/applications/{package}/reviews

Auth is a service account: a JWT (RS256, signed with the account's private key) is exchanged at
the token endpoint for an hour-long access token, which the connector keeps until near expiry.
The API returns only reviews created or changed in the last seven days, newest first, with
tokenPagination for more; a review's time is its userComment.lastModified. Quota is per app
(200 reviews.list calls an hour by default), so the connector pages only until it meets reviews
it has already seen.
"""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from pydantic import Field, SecretStr

from connectors.base import Connector, ConnectorOptions
from connectors.errors import AuthError, BadResponse, RateLimited
from connectors.http import Response, request, retry_after_seconds
from connectors.jsonbody import parse_json
from monitor.models import RAW_CAP, Author, Batch, Mention

API = "https://androidpublisher.googleapis.com"
SCOPE = "https://www.googleapis.com/auth/androidpublisher"
SEEN_CAP = 2000


class GooglePlayOptions(ConnectorOptions):
    package_name: str = Field(pattern=r"^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$")
    service_account: SecretStr     # the service account's JSON key, whole (client_email, private_key, token_uri)
    token_uri: str | None = None   # default: the key's token_uri; with base_url set, base_url + /token
    max_pages: int = Field(3, ge=1, le=20)


class GooglePlayConnector(Connector):
    kind = "googleplay"
    Options = GooglePlayOptions

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._token: str | None = None
        self._expires: datetime | None = None
        self.token_requests = 0

    async def fetch(self, session, cursor):
        cursor = dict(cursor or {})
        first_run = "seen" not in cursor
        seen = list(cursor.get("seen", []))
        known, mentions, page_token = set(seen), [], None
        for _ in range(1 if first_run else self.options.max_pages):
            body = await self._reviews(session, page_token)
            page = [m for m in (self._mention(r) for r in body.get("reviews") or []) if m is not None]
            fresh = [m for m in page if m.native_id not in known]
            for m in fresh:
                known.add(m.native_id)
                seen.append(m.native_id)
                if not (first_run and self.too_old(m.published_at, None)) and self.keeps(m.text):
                    mentions.append(m)
            page_token = (body.get("tokenPagination") or {}).get("nextPageToken")
            if not page_token or len(fresh) < len(page):
                break
        return Batch(mentions, {"seen": seen[-SEEN_CAP:]}, quota={"token_requests": self.token_requests})

    async def _reviews(self, session, page_token: str | None) -> dict:
        base = (self.options.base_url or API).rstrip("/")
        url = f"{base}/androidpublisher/v3/applications/{self.options.package_name}/reviews"
        params = {"maxResults": "100"} | ({"token": page_token} if page_token else {})
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {await self._access(session)}", "Accept": "application/json"}
            resp = await request(session, "GET", url, params=params, headers=headers, timeout=self.timeout,
                                 max_bytes=self.options.max_bytes, ok=(200, 401, 403, 404, 429))
            if resp.status == 200:
                return parse_json(resp)
            if resp.status == 401 and attempt == 1:
                self._token = None               # revoked or expired early: one new token, one retry
                continue
            raise _error(resp)
        raise AuthError("Google Play refused a fresh token")

    async def _access(self, session) -> str:
        now = self.clock.now()
        if self._token and self._expires and now < self._expires - timedelta(minutes=2):
            return self._token
        key = self._key()
        token_uri = self.options.token_uri or \
            (f"{self.options.base_url.rstrip('/')}/token" if self.options.base_url else key["token_uri"])
        assertion = sign_jwt(key, token_uri, now)
        self.token_requests += 1
        resp = await request(session, "POST", token_uri, timeout=self.timeout, max_bytes=64 * 1024, ok=(200, 400, 401),
                             data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})
        body = parse_json(resp)
        if resp.status != 200 or not isinstance(body.get("access_token"), str):
            raise AuthError(f"Google token endpoint refused the service account: {body.get('error', resp.status)}")
        self._token = body["access_token"]
        self._expires = now + timedelta(seconds=int(body.get("expires_in", 3600)))
        return self._token

    def _key(self) -> dict:
        try:
            key = json.loads(self.options.service_account.get_secret_value())
            assert all(isinstance(key.get(k), str) for k in ("client_email", "private_key"))
        except (ValueError, AssertionError) as exc:
            raise AuthError("service_account is not a service account JSON key with client_email and private_key") from exc
        key.setdefault("token_uri", "https://oauth2.googleapis.com/token")
        return key

    def _mention(self, review: dict) -> Mention | None:
        if not isinstance(review, dict) or not review.get("reviewId"):
            return None
        user = next((c["userComment"] for c in review.get("comments") or []
                     if isinstance(c, dict) and isinstance(c.get("userComment"), dict)), None)
        if user is None:
            return None
        rid = str(review["reviewId"])
        stars = user.get("starRating")
        return Mention(
            source=self.name, native_id=rid, kind=self.kind,
            text=str(user.get("text", "")).replace("\t", "\n").strip(),   # "title\tbody", or "\tbody" without a title
            url=f"https://play.google.com/store/apps/details?id={self.options.package_name}&reviewId={rid}",
            published_at=_seconds(user.get("lastModified")) or self.clock.now(),
            author=Author(name=str(review.get("authorName") or "")),
            rating=float(stars) if isinstance(stars, int) and 1 <= stars <= 5 else None,
            lang=(user.get("reviewerLanguage") or "").split("_")[0] or None,
            engagement={k: user[k] for k in ("thumbsUpCount", "thumbsDownCount") if isinstance(user.get(k), int)},
            raw=json.dumps(review, ensure_ascii=False)[:RAW_CAP], fetched_at=self.clock.now(),
        )


def sign_jwt(key: dict, audience: str, now: datetime) -> str:
    """The service-account assertion: RS256 over header.claims, as Google's OAuth 2.0 for servers describes."""
    header = {"alg": "RS256", "typ": "JWT"} | ({"kid": key["private_key_id"]} if key.get("private_key_id") else {})
    iat = int(now.timestamp())
    claims = {"iss": key["client_email"], "scope": SCOPE, "aud": audience, "iat": iat, "exp": iat + 3600}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}".encode()
    try:
        private = serialization.load_pem_private_key(key["private_key"].encode(), password=None)
        signature = private.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    except (ValueError, TypeError) as exc:
        raise AuthError("the service account's private_key is not a readable RSA key") from exc
    return f"{signing_input.decode()}.{_b64(signature)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _seconds(stamp) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(stamp["seconds"]), tz=timezone.utc)
    except (TypeError, KeyError, ValueError):
        return None


def _error(resp: Response) -> Exception:
    try:
        error = json.loads(resp.body)["error"]
        reason = ((error.get("errors") or [{}])[0].get("reason") or error.get("status") or "")
    except (ValueError, KeyError, TypeError, AttributeError):
        reason = ""
    if resp.status == 429 or reason in ("rateLimitExceeded", "RESOURCE_EXHAUSTED", "quotaExceeded"):
        return RateLimited(f"Google Play quota: {reason or 'HTTP 429'}", retry_after_seconds(resp.headers.get("Retry-After")) or 3600)
    if resp.status in (401, 403):
        return AuthError(f"Google Play refused access ({reason or resp.status}): is the service account linked in Play Console?")
    return BadResponse(f"Google Play {resp.status}: {reason or 'no reason given'}")
