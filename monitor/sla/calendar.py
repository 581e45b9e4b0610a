"""Business-hours calendars: the SLA clock runs only in working time, in the team's time zone.

A calendar has a time zone, working hours, weekly days off (Friday; Friday and Saturday; Saturday
and Sunday ...) and holiday dates. The default is 24/7, where a deadline is plain clock time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Calendar:
    tz: str = "UTC"
    start: time = time(0, 0)
    end: time = time(0, 0)           # 00:00-00:00 means the whole day
    days_off: frozenset[int] = frozenset()
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def always_open(self) -> bool:
        return self.start == self.end == time(0, 0) and not self.days_off and not self.holidays

    def add_working_time(self, start: datetime, seconds: float) -> datetime:
        """The moment `seconds` of working time after `start` (UTC in, UTC out)."""
        if self.always_open:
            return start + timedelta(seconds=seconds)
        zone = ZoneInfo(self.tz)
        cursor = start.astimezone(zone)
        remaining = timedelta(seconds=seconds)
        for _ in range(3660):   # ten years of days: a calendar with no working time is refused earlier
            open_at, close_at = self._window(cursor.date(), zone)
            if open_at is not None and cursor < close_at:
                begin = max(cursor, open_at)
                if begin + remaining <= close_at:
                    return (begin + remaining).astimezone(timezone.utc)
                remaining -= close_at - begin
            cursor = datetime.combine(cursor.date() + timedelta(days=1), time(0, 0), zone)
        raise ValueError("the calendar has no working time")

    def _window(self, day: date, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        if day.weekday() in self.days_off or day in self.holidays:
            return None, None
        open_at = datetime.combine(day, self.start, zone)
        close_day = day + timedelta(days=1) if self.end <= self.start else day
        return open_at, datetime.combine(close_day, self.end, zone)


def parse_calendar(tz: str = "UTC", hours: str | None = None, days_off: list[str] = (),
                   holidays: list[str] = ()) -> Calendar:
    """From settings: hours '09:00-17:00', days_off ['fri'], holidays ['2026-03-20']. Raises ValueError."""
    ZoneInfo(tz)  # raises for an unknown zone
    start = end = time(0, 0)
    if hours:
        try:
            a, b = hours.split("-")
            start, end = time.fromisoformat(a.strip()), time.fromisoformat(b.strip())
        except ValueError as exc:
            raise ValueError(f"hours must look like 09:00-17:00, got {hours!r}") from exc
    off = set()
    for name in days_off:
        if name.lower()[:3] not in DAY_NAMES:
            raise ValueError(f"unknown day {name!r}; use {', '.join(DAY_NAMES)}")
        off.add(DAY_NAMES.index(name.lower()[:3]))
    if len(off) == 7:
        raise ValueError("every day is a day off")
    return Calendar(tz, start, end, frozenset(off), frozenset(date.fromisoformat(str(d)) for d in holidays))
