"""Re-alert limits: at most `max` alerts that paged someone per `per`, for one author, thread,
source or rule. Beyond that an alert is still queued, but pages nobody.

Counted from the store (alerts created in the window that were not themselves held), inside the
transaction that creates the alert, so alerts created earlier in the same batch count too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.clock import iso
from rules.durations import parse_duration

KEYS = ("author", "thread", "source", "rule")
PREFIX = "realert"          # alerts.muted starts with this when a limit held the alert: it stays held
_COLUMN = {"author": "m.author_handle", "thread": "m.thread_id", "source": "m.source"}


class RealertError(ValueError):
    """A limit that cannot be read; `field` is the key inside the realert mapping ('' for the whole)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RealertLimit:
    max: int
    per: int                # seconds
    key: str = "author"

    def describe(self) -> str:
        return f"max {self.max} per {_span(self.per)} by {self.key}"


# Three alerts an hour per author, across all rules: one angry customer cannot page the team dozens
# of times, while three different complaints in an hour from one person still reach people.
DEFAULT_REALERT = RealertLimit(max=3, per=3600, key="author")


def parse_realert(value) -> RealertLimit:
    """From YAML: {max: 3, per: 1h, key: author}; raises RealertError naming the bad key."""
    if isinstance(value, RealertLimit):
        return value
    if not isinstance(value, dict):
        raise RealertError("", "expects {max: 3, per: 1h, key: author}")
    for name in value:
        if name not in ("max", "per", "key"):
            raise RealertError(str(name), "unknown key; known: key, max, per")
    count = value.get("max")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise RealertError("max", "expects a whole number of alerts, at least 1")
    try:
        per = parse_duration(value.get("per", "1h"))
    except ValueError as exc:
        raise RealertError("per", str(exc)) from exc
    if per <= 0:
        raise RealertError("per", "expects a duration longer than 0")
    key = value.get("key", "author")
    if key not in KEYS:
        raise RealertError("key", f"expects one of {', '.join(KEYS)}")
    return RealertLimit(count, per, key)


def exceeded(c, limit: RealertLimit, rule: str | None, facts: dict, now: datetime) -> str | None:
    """Why this alert must not page anyone under `limit` (None: it may). `rule` None is the default
    limit, which counts alerts of every rule together."""
    if limit.key == "rule":
        rule = rule or (facts["rules"][0] if facts["rules"] else None)
        value = rule
    else:
        value = facts[limit.key]
    if not value:
        return None     # nothing to attribute the alert to (an RSS item has no author): no limit
    sql = ["SELECT COUNT(*) FROM alerts a JOIN mentions m ON m.id = a.mention_id "
           "WHERE a.created_at > ? AND a.id != ? AND a.muted IS NULL"]
    params: list = [iso(now - timedelta(seconds=limit.per)), facts["id"]]
    if limit.key in _COLUMN:
        sql.append(f"AND {_COLUMN[limit.key]} = ?")
        params.append(value)
    if rule:
        sql.append("AND EXISTS (SELECT 1 FROM json_each(a.rules) WHERE json_each.value = ?)")
        params.append(rule)
    paged = c.execute(" ".join(sql), params).fetchone()[0]
    if paged < limit.max:
        return None
    scope = f" under rule {rule!r}" if rule and limit.key != "rule" else ""
    return (f"{PREFIX}: {paged} alerts already paged for {limit.key} {str(value)[:80]!r}{scope} "
            f"in the last {_span(limit.per)} ({limit.describe()})")


def _span(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
