"""Conditions about the post rather than its words: when it was written, how far it travelled, whether
it answers someone.

    time_of_day: {from: "22:00", to: "07:00", tz: Asia/Tehran}   # wraps past midnight
    day_of_week: {days: [thu, fri], tz: Asia/Tehran}             # or just [sat, sun] (UTC)
    engagement: {min: 50}                                        # likes + replies + reposts + quotes
    engagement: {min: 10, of: [replies_count]}                   # only the counts named
    reply: true                                                  # it answers another post

Times are the customer's publish time (the SLA clock's start) seen in the given time zone (UTC when
none is given), so "at night in Tehran" means the same thing whatever the server's zone is.
"""
from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# View counts are orders of magnitude larger than interactions and many sources lack them: left out
# of the default sum so one threshold means the same on every source.
_NOT_INTERACTIONS = {"views", "view_count", "views_count", "impression_count", "impressions"}


def _error(path: str, message: str):
    from rules.conditions import RuleError   # late: conditions imports this module's factories
    return RuleError(path, message)


def _zone(value, path: str) -> ZoneInfo:
    try:
        return ZoneInfo(value if value is not None else "UTC")
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise _error(f"{path}.tz", f"unknown time zone {value!r} (for example Asia/Tehran)") from None


def _clock_time(value, path: str) -> time:
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise _error(path, f"expects a time like \"22:00\", got {value!r}") from None


def time_of_day(value, path):
    if not isinstance(value, dict) or not {"from", "to"} <= set(value) or not set(value) <= {"from", "to", "tz"}:
        raise _error(path, 'expects {from: "HH:MM", to: "HH:MM", tz: Zone}')
    start, end = _clock_time(value["from"], f"{path}.from"), _clock_time(value["to"], f"{path}.to")
    zone = _zone(value.get("tz"), path)

    def check(ctx):
        local = ctx.mention.published_at.astimezone(zone)
        now = local.time().replace(second=0, microsecond=0)
        held = start <= now < end if start <= end else (now >= start or now < end)
        return held, f"posted {local:%H:%M} {zone.key}"
    return check


def day_of_week(value, path):
    if isinstance(value, list):
        value = {"days": value}
    if not isinstance(value, dict) or "days" not in value or not set(value) <= {"days", "tz"}:
        raise _error(path, "expects a list of days such as [fri, sat] or {days: [...], tz: Zone}")
    days = value["days"]
    if not isinstance(days, list) or not days:
        raise _error(f"{path}.days", "expects a non-empty list such as [fri, sat]")
    wanted = set()
    for i, day in enumerate(days):
        name = str(day).strip().lower()[:3]
        if name not in DAYS:
            raise _error(f"{path}.days[{i}]", f"unknown day {day!r}; use {', '.join(DAYS)}")
        wanted.add(DAYS.index(name))
    zone = _zone(value.get("tz"), path)

    def check(ctx):
        local = ctx.mention.published_at.astimezone(zone)
        return local.weekday() in wanted, f"posted on {DAYS[local.weekday()]} ({zone.key})"
    return check


def engagement(value, path):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = {"min": value}
    if not isinstance(value, dict) or not value or not set(value) <= {"min", "max", "of"} \
            or not set(value) & {"min", "max"}:
        raise _error(path, "expects {min: N, max: N, of: [count names]} (min or max required)")
    for key in ("min", "max"):
        if key in value and (isinstance(value[key], bool) or not isinstance(value[key], (int, float))):
            raise _error(f"{path}.{key}", f"expects a number, got {value[key]!r}")
    names = value.get("of")
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise _error(f"{path}.of", "expects a list of count names such as [replies_count, likes]")
    low, high = value.get("min"), value.get("max")

    def check(ctx):
        counts = ctx.mention.engagement or {}
        total = sum(v for k, v in counts.items() if isinstance(v, (int, float))
                    and (k in names if names else k not in _NOT_INTERACTIONS))
        held = (low is None or total >= low) and (high is None or total <= high)
        return held, f"engagement={total:g}"
    return check


def reply(value, path):
    if not isinstance(value, bool):
        raise _error(path, "expects true or false")

    def check(ctx):
        actual = bool(ctx.mention.reply_to)
        return actual == value, f"reply={'yes' if actual else 'no'}"
    return check
