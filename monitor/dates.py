"""Days as the team reads them (its time zone) turned into UTC instants for the store's queries."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class DateError(ValueError):
    """A date the user typed that is not YYYY-MM-DD, or a range that ends before it starts."""


def parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError as exc:
        raise DateError(f"{text[:20]!r} is not a date (YYYY-MM-DD)") from exc


def day_start(day: date, tz: str) -> datetime:
    """Local midnight of `day` in the team's zone, as an aware datetime (DST-correct)."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz))


def day_range(first: date | None, last: date | None, tz: str, now: datetime,
              default_days: int = 7) -> tuple[date, date, datetime, datetime]:
    """[first day's midnight, the day after last's midnight): both days included. Without them, the
    last `default_days` days up to today."""
    today = now.astimezone(ZoneInfo(tz)).date()
    last = last or today
    first = first or last - timedelta(days=default_days - 1)
    if last < first:
        raise DateError(f"the range ends ({last}) before it starts ({first})")
    if (last - first).days > 366:
        raise DateError("a range is at most a year")
    return first, last, day_start(first, tz), day_start(last + timedelta(days=1), tz)
