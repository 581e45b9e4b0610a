"""SLA figures as plain data: time to first response, and whether the deadline was met, per team,
source, priority and day. No presentation here: the CLI prints it, the web reports page draws it.

First response is the first `responded` or `resolved` event (a person's mark, or the brand's own
reply in the thread). Met: it came at or before the alert's deadline (already counted in the team's
working time); missed: it came after, or has not come and the deadline has passed; pending: not yet
answered and not yet due. Dismissed alerts (not a complaint) are left out. Response times are clock
time from when the customer posted, since that is what the customer waited.
"""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.clock import iso, parse_iso

DIMENSIONS = ("team", "source", "priority", "day")


def outcomes(store, now: datetime, since: datetime | None = None, until: datetime | None = None,
             tz: str = "UTC") -> list[dict[str, Any]]:
    """One row per alert posted in [since, until): its dimensions, outcome and response time."""
    rows = store.rows(
        """SELECT a.id, a.team, a.priority, a.state, a.due_at, m.source, m.published_at,
                  (SELECT MIN(e.at) FROM events e WHERE e.alert_id = a.id
                     AND e.kind IN ('responded', 'resolved')) AS first_response_at
           FROM alerts a JOIN mentions m ON m.id = a.mention_id
           WHERE a.state != 'dismissed' AND m.published_at >= ? AND m.published_at < ?
           ORDER BY m.published_at, a.id""",
        (iso(since) if since else "", iso(until) if until else "9999"))
    zone = ZoneInfo(tz)
    return [_outcome(r, now, zone) for r in rows]


def _outcome(row: dict, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    posted, due = parse_iso(row["published_at"]), parse_iso(row["due_at"])
    answered = parse_iso(row["first_response_at"])
    if answered is not None:
        outcome = "met" if answered <= due else "missed"
    else:
        outcome = "missed" if now >= due else "pending"
    return {"alert_id": row["id"], "team": row["team"], "source": row["source"], "priority": row["priority"],
            "day": posted.astimezone(zone).date().isoformat(), "outcome": outcome,
            "first_response_seconds": (answered - posted).total_seconds() if answered else None}


def summarize(items: list[dict[str, Any]]) -> dict[str, Any]:
    times = sorted(i["first_response_seconds"] for i in items if i["first_response_seconds"] is not None)
    count = {k: sum(1 for i in items if i["outcome"] == k) for k in ("met", "missed", "pending")}
    decided = count["met"] + count["missed"]
    return {"alerts": len(items), "responded": len(times), **count,
            "met_rate": round(count["met"] / decided, 4) if decided else None,
            "first_response_seconds": {"p50": _percentile(times, 50), "p90": _percentile(times, 90),
                                       "mean": round(sum(times) / len(times), 1) if times else None,
                                       "max": times[-1] if times else None}}


def sla_metrics(store, now: datetime, since: datetime | None = None, until: datetime | None = None,
                tz: str = "UTC") -> dict[str, Any]:
    """Everything at once: totals, each dimension on its own, and every combination (`cube`)."""
    items = outcomes(store, now, since, until, tz)
    report: dict[str, Any] = {"generated_at": iso(now), "since": iso(since), "until": iso(until), "timezone": tz,
                              "total": summarize(items)}
    for dim in DIMENSIONS:
        report[f"by_{dim}"] = {key: summarize(group) for key, group in sorted(_group(items, (dim,)).items())}
    report["cube"] = [{**dict(zip(DIMENSIONS, key)), **summarize(group)}
                      for key, group in sorted(_group(items, DIMENSIONS).items())]
    return report


def _group(items: list[dict], dims: tuple[str, ...]) -> dict:
    groups: dict = defaultdict(list)
    for item in items:
        key = tuple(item[d] for d in dims)
        groups[key[0] if len(dims) == 1 else key].append(item)
    return groups


def _percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest rank: a value that was actually seen, never an interpolation between two alerts."""
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]
