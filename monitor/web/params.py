"""Query strings and form fields read defensively: a wrong value is a 400 with a reason, never a 500."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Mapping

from monitor.dates import DateError, day_range, day_start, parse_day
from monitor.store.search import MentionQuery


class ParamError(ValueError):
    """A parameter the user sent that cannot be used; the message says which and why."""


def number(query: Mapping[str, str], name: str, low: float, high: float) -> float | None:
    text = (query.get(name) or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError as exc:
        raise ParamError(f"{name} is a number from {low} to {high}") from exc
    if not low <= value <= high:
        raise ParamError(f"{name} is a number from {low} to {high}")
    return value


def whole(query: Mapping[str, str], name: str, default: int, high: int) -> int:
    value = number(query, name, 1, high)
    return default if value is None else int(value)


def mention_query(query: Mapping[str, str], tz: str) -> MentionQuery:
    """GET /mentions and /api/mentions: q, source, lang, verdict, polarity_min/max, from, to, page, limit."""
    try:
        first, last = parse_day(query.get("from")), parse_day(query.get("to"))
    except DateError as exc:
        raise ParamError(str(exc)) from exc
    if first and last and last < first:
        raise ParamError(f"the range ends ({last}) before it starts ({first})")
    return MentionQuery(
        q=query.get("q", "")[:400], source=query.get("source") or None, lang=query.get("lang") or None,
        verdict=query.get("verdict") or None,
        polarity_min=number(query, "polarity_min", -1, 1), polarity_max=number(query, "polarity_max", -1, 1),
        start=day_start(first, tz) if first else None,
        end=day_start(last + timedelta(days=1), tz) if last else None,
        page=whole(query, "page", 1, 100_000), per_page=whole(query, "limit", 50, 200))


def report_range(query: Mapping[str, str], tz: str, now: datetime):
    """(first day, last day, start, end) of a report: `from`/`to` in the team's zone, default the last 7 days."""
    try:
        return day_range(parse_day(query.get("from")), parse_day(query.get("to")), tz, now)
    except DateError as exc:
        raise ParamError(str(exc)) from exc


def safe_next(value: object, default: str = "/") -> str:
    """Where a form may send the browser back to: a path on this site, never //other.host or /\\other."""
    text = str(value or "")
    if not text.startswith("/") or text.startswith(("//", "/\\")) or any(c in text for c in "\r\n"):
        return default
    return text
