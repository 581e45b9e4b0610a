"""Apple App Store customer reviews: the per-country RSS feed, JSON first, XML for the dates.

    GET https://itunes.apple.com/{cc}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/json

Every value is wrapped as {"label": ...}. The JSON entries carry no review date, the XML entries
do (<updated>), so when JSON lacks dates the same page is read as XML and the dates are joined on
the review id. If the XML fails (it has answered 502 while JSON worked), the reviews still arrive,
stamped with the time we saw them, and quota says so. On a first run without any dates nothing is
alerted: the newest 50 reviews could be months old, and paging a team for them helps no one.

Reviews belong to one storefront, so each country keeps its own list of seen ids. About 500
reviews (10 pages of 50) are reachable; a poll reads page after page only while a page is all new.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime

from pydantic import Field

from connectors.base import Connector, ConnectorOptions
from connectors.errors import BadResponse, SourceError
from connectors.http import Response, request
from connectors.text import entity_text, html_to_text
from monitor.clock import parse_iso
from monitor.models import RAW_CAP, Author, Batch, Mention

ITUNES = "https://itunes.apple.com"
SEEN_CAP = 1000               # per country; the feed never reaches past ~500
_ATOM = "{http://www.w3.org/2005/Atom}"
_JSON_TYPES = ("application/json", "text/json", "text/javascript")


class AppStoreOptions(ConnectorOptions):
    app_id: str = Field(pattern=r"^\d+$")
    countries: list[str] = Field(["us"], min_length=1)     # two-letter storefront codes
    pages: int = Field(3, ge=1, le=10)                     # pages read per poll at most, 50 reviews each
    xml_dates: bool = True


class AppStoreConnector(Connector):
    kind = "appstore"
    Options = AppStoreOptions

    async def fetch(self, session, cursor):
        seen_by_country = {cc: list(ids) for cc, ids in ((cursor or {}).get("seen") or {}).items()}
        mentions, quota = [], {}
        for cc in (c.lower() for c in self.options.countries):
            first_run = cc not in seen_by_country
            seen = seen_by_country.setdefault(cc, [])
            found, undated = await self._country(session, cc, set(seen), first_run)
            seen.extend(m.native_id for m in found)
            if undated:
                quota[f"{cc}_undated"] = undated
            mentions.extend(m for m in self._keep(found, first_run, undated) if self.keeps(m.text))
            seen_by_country[cc] = seen[-SEEN_CAP:]
        return Batch(mentions, {"seen": seen_by_country}, quota=quota)

    def _keep(self, found: list[Mention], first_run: bool, undated: int) -> list[Mention]:
        if not first_run:
            return found
        if undated:
            return []      # first run and no dates: these become the baseline, not alerts
        return [m for m in found if not self.too_old(m.published_at, None)]

    async def _country(self, session, cc: str, known: set[str], first_run: bool) -> tuple[list[Mention], int]:
        found, undated = [], 0
        for page in range(1, (1 if first_run else self.options.pages) + 1):
            entries = _entries(_json(await self._get(session, cc, page, "json")))
            fresh = [e for e in entries if _label(e.get("id")) not in known]
            dates = {}
            if fresh and self.options.xml_dates and not all(_label(e.get("updated")) for e in fresh):
                dates = await self._xml_dates(session, cc, page)
            for entry in fresh:
                mention = self._mention(entry, cc, dates)
                found.append(mention)
                known.add(mention.native_id)
                undated += mention.published_at == mention.fetched_at
            if len(fresh) < len(entries) or len(entries) < 50:
                break          # reached reviews we already had, or the feed's end
        return found, undated

    async def _get(self, session, cc: str, page: int, fmt: str) -> Response:
        base = (self.options.base_url or ITUNES).rstrip("/")
        url = f"{base}/{cc}/rss/customerreviews/page={page}/id={self.options.app_id}/sortby=mostrecent/{fmt}"
        return await request(session, "GET", url, timeout=self.timeout, max_bytes=self.options.max_bytes)

    async def _xml_dates(self, session, cc: str, page: int) -> dict[str, datetime]:
        try:
            return xml_dates((await self._get(session, cc, page, "xml")).body)
        except SourceError:
            return {}      # the JSON is what matters; dates fall back to when we saw the review

    def _mention(self, entry: dict, cc: str, dates: dict[str, datetime]) -> Mention:
        rid = _label(entry.get("id"))
        now = self.clock.now()
        title, body = entity_text(_label(entry.get("title"))), _content(entry.get("content"))
        author = entry.get("author") or {}
        return Mention(
            source=self.name, native_id=rid, kind=self.kind,
            text="\n".join(t for t in (title, body) if t),
            url=f"https://apps.apple.com/{cc}/app/id{self.options.app_id}?see-all=reviews",
            published_at=_when(_label(entry.get("updated"))) or dates.get(rid) or now,
            author=Author(handle=_label(author.get("uri")).rsplit("/id", 1)[-1] if author.get("uri") else "",
                          name=_label(author.get("name"))),
            rating=_rating(entry), lang=None,
            engagement={k: int(v) for k in ("voteSum", "voteCount") if (v := _label(entry.get(f"im:{k}"))).isdigit()},
            raw=json.dumps(entry, ensure_ascii=False)[:RAW_CAP], fetched_at=now,
        )


def _json(resp: Response) -> dict:
    if resp.content_type not in _JSON_TYPES:
        raise BadResponse(f"expected JSON, got {resp.content_type or 'no content type'}")
    try:
        body = json.loads(resp.text())
    except json.JSONDecodeError as exc:
        raise BadResponse(f"malformed JSON at line {exc.lineno} column {exc.colno}") from exc
    if not isinstance(body, dict) or not isinstance(body.get("feed"), dict):
        raise BadResponse("not a customer reviews feed: no feed object")
    return body["feed"]


def _entries(feed: dict) -> list[dict]:
    """No reviews: no entry key; one review: an object, not a list; old feeds lead with the app itself."""
    entries = feed.get("entry") or []
    if isinstance(entries, dict):
        entries = [entries]
    return [e for e in entries if isinstance(e, dict) and "im:rating" in e and _label(e.get("id"))]


def _content(value) -> str:
    """A review's body: plain text as the customer typed it (entities decoded), unless the feed says
    it is HTML."""
    kind = (value.get("attributes") or {}).get("type") if isinstance(value, dict) else None
    return html_to_text(_label(value)) if kind == "html" else entity_text(_label(value))


def _label(value) -> str:
    if isinstance(value, dict):
        value = value.get("label")
    return value.strip() if isinstance(value, str) else ""


def _rating(entry: dict) -> float | None:
    try:
        stars = float(_label(entry.get("im:rating")))
    except ValueError:
        return None
    return stars if 1 <= stars <= 5 else None


def xml_dates(body: bytes) -> dict[str, datetime]:
    """Review id -> <updated> from the XML variant of the same page."""
    if b"<!DOCTYPE" in body[:1024].upper() or b"<!ENTITY" in body[:4096].upper():
        raise BadResponse("XML with a DOCTYPE or entities refused")   # no entity expansion, ever
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise BadResponse(f"malformed XML: {exc}") from exc
    dates = {}
    for entry in root.iter(f"{_ATOM}entry"):
        rid, updated = entry.findtext(f"{_ATOM}id"), _when(entry.findtext(f"{_ATOM}updated"))
        if rid and updated:
            dates[rid.strip()] = updated
    return dates


def _when(text: str | None) -> datetime | None:
    try:
        return parse_iso(text or None)
    except ValueError:
        return None      # a date we cannot read is no date, not a failed poll
