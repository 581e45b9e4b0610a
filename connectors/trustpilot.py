"""Trustpilot business-unit reviews through the official API, with an API key.

    GET https://api.trustpilot.com/v1/business-units/{id}/reviews?orderBy=createdat.desc&perPage=100&page=N

The key goes in the `apikey` header (never in a URL that could be logged). With only a domain
configured, the business unit id is looked up once (/v1/business-units/find?name=) and kept in the
cursor. Reviews come newest first; a poll pages on only while a page is all new. No rate-limit
headers are documented, so a 429's Retry-After is all there is to honour.
"""
from __future__ import annotations

import json

from pydantic import Field, SecretStr, model_validator

from connectors.base import Connector, ConnectorOptions
from connectors.errors import AuthError, BadResponse
from connectors.http import request
from connectors.jsonbody import parse_json
from connectors.text import entity_text
from monitor.clock import parse_iso
from monitor.models import RAW_CAP, Author, Batch, Mention

API = "https://api.trustpilot.com"
SEEN_CAP = 2000


class TrustpilotOptions(ConnectorOptions):
    api_key: SecretStr
    business_unit_id: str | None = Field(None, pattern=r"^[0-9a-f]{24}$")
    domain: str | None = None            # e.g. acme.com; used to find the id when it is not given
    language: str | None = None          # "all" or a code such as "fa"; default: the API's own
    max_pages: int = Field(3, ge=1, le=20)

    @model_validator(mode="after")
    def _unit(self):
        if not self.business_unit_id and not self.domain:
            raise ValueError("give business_unit_id or domain")
        return self


class TrustpilotConnector(Connector):
    kind = "trustpilot"
    Options = TrustpilotOptions

    @property
    def base(self) -> str:
        return (self.options.base_url or API).rstrip("/")

    async def fetch(self, session, cursor):
        cursor = dict(cursor or {})
        unit = self.options.business_unit_id or cursor.get("unit") or await self._find(session)
        first_run = "seen" not in cursor
        seen = list(cursor.get("seen", []))
        known, mentions = set(seen), []
        for page in range(1, (1 if first_run else self.options.max_pages) + 1):
            reviews = await self._page(session, unit, page)
            fresh = [m for m in reviews if m.native_id not in known]
            for m in fresh:
                known.add(m.native_id)
                seen.append(m.native_id)
                if not (first_run and self.too_old(m.published_at, None)) and self.keeps(m.text):
                    mentions.append(m)
            if len(fresh) < len(reviews) or len(reviews) < 100:
                break
        return Batch(mentions, {"unit": unit, "seen": seen[-SEEN_CAP:]})

    async def _get(self, session, path: str, params: dict) -> dict:
        resp = await request(session, "GET", f"{self.base}{path}", params=params, timeout=self.timeout,
                             max_bytes=self.options.max_bytes, ok=(200, 401, 403, 404),
                             headers={"apikey": self.options.api_key.get_secret_value(), "Accept": "application/json"})
        if resp.status in (401, 403):
            raise AuthError(f"Trustpilot refused the API key (HTTP {resp.status})")
        if resp.status == 404:
            raise BadResponse(f"Trustpilot has no such business unit ({path})")
        return parse_json(resp)

    async def _find(self, session) -> str:
        body = await self._get(session, "/v1/business-units/find", {"name": self.options.domain})
        unit = body.get("id")
        if not isinstance(unit, str) or not unit:
            raise BadResponse(f"Trustpilot found no business unit for {self.options.domain}")
        return unit

    async def _page(self, session, unit: str, page: int) -> list[Mention]:
        params = {"orderBy": "createdat.desc", "perPage": "100", "page": str(page)}
        if self.options.language:
            params["language"] = self.options.language
        body = await self._get(session, f"/v1/business-units/{unit}/reviews", params)
        reviews = body.get("reviews")
        if not isinstance(reviews, list):
            raise BadResponse("Trustpilot answer has no reviews list")
        return [m for m in (self._mention(r) for r in reviews) if m is not None]

    def _mention(self, review) -> Mention | None:
        if not isinstance(review, dict) or not review.get("id"):
            return None
        # The API's title and text are plain text as the customer typed them (a "<3" is not a tag).
        title, text = entity_text(review.get("title")), entity_text(review.get("text"))
        consumer = review.get("consumer") or {}
        stars = review.get("stars")
        try:
            published = parse_iso(review.get("createdAt"))
        except ValueError:
            published = None
        return Mention(
            source=self.name, native_id=str(review["id"]), kind=self.kind,
            text=text if title and text.startswith(title) else "\n".join(t for t in (title, text) if t),
            url=f"https://www.trustpilot.com/reviews/{review['id']}",
            published_at=published or self.clock.now(),
            author=Author(handle=str(consumer.get("id") or ""), name=str(consumer.get("displayName") or "")),
            rating=float(stars) if isinstance(stars, (int, float)) and 1 <= stars <= 5 else None,
            lang=review.get("language") if isinstance(review.get("language"), str) else None,
            engagement={"consumer_reviews": consumer["numberOfReviews"]} if isinstance(consumer.get("numberOfReviews"), int) else {},
            raw=json.dumps(review, ensure_ascii=False)[:RAW_CAP], fetched_at=self.clock.now(),
        )
