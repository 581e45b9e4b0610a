"""What the team did over a date range: complaints over time, SLA met or missed, time to first response.

Plain data from the store, shared by the reports page, GET /api/reports and `run.py report --json`.

- A complaint is a mention the monitor judged a complaint, unless the team said otherwise (dismissed
  it), plus those the team marked as missed complaints; counted by when the customer posted.
- The first response to an alert is its first `responded` event, or its `resolved` event when
  nobody clicked "responded" first. When the brand's own account answered in the thread, the
  pipeline records `responded` by `auto:<handle>` with the note `reply <id>`: the reply's own
  publication time is used then, since the pipeline may have seen it minutes later.
- SLA: met when the first response came by the deadline; missed when it came later, or has not
  come and the deadline has passed; pending otherwise. Dismissed and merged alerts are left out
  (not complaints, and duplicates whose target carries the count).
- Time to first response runs from the customer's post (when the SLA clock starts).
"""
from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from monitor.clock import iso, parse_iso
from monitor.store import Store

MAX_BUCKETS = 336            # two weeks of hours; longer ranges get wider buckets
BUCKET_HOURS = (1, 2, 3, 4, 6, 12, 24)
RESPONSE_BUCKETS = ((15 * 60, "<15m"), (30 * 60, "15-30m"), (3600, "30-60m"), (2 * 3600, "1-2h"),
                    (4 * 3600, "2-4h"), (8 * 3600, "4-8h"), (24 * 3600, "8-24h"), (None, ">24h"))
LEFT_OUT = ("dismissed", "merged")


def build_report(store: Store, start: datetime, end: datetime, now: datetime, *,
                 team: str | None = None) -> dict[str, Any]:
    alerts = _alerts(store, start, end, team)
    return {
        "range": {"from": iso(start), "to": iso(end), "team": team},
        "complaints": complaints_over_time(store, start, end, team),
        "sla": sla(alerts, now),
        "first_response": first_response(alerts),
    }


def teams(store: Store) -> list[str]:
    return [r["team"] for r in store.rows("SELECT DISTINCT team FROM alerts ORDER BY team")]


def bucket_seconds(start: datetime, end: datetime) -> int:
    span = (end - start).total_seconds()
    hours = next((h for h in BUCKET_HOURS if span / (h * 3600) <= MAX_BUCKETS), BUCKET_HOURS[-1])
    return hours * 3600


def complaints_over_time(store: Store, start: datetime, end: datetime, team: str | None) -> dict[str, Any]:
    rows = store.rows(
        f"""SELECT m.published_at, m.source,
                   COALESCE(NULLIF(json_extract(m.verdict, '$.lang'), ''), m.lang, 'und') AS lang
            FROM mentions m LEFT JOIN team_verdicts v ON v.mention_id = m.id
            LEFT JOIN alerts a ON a.mention_id = m.id
            WHERE m.published_at >= ? AND m.published_at < ? AND COALESCE(v.complaint, m.complaint) = 1
            {"AND COALESCE(a.team, json_extract(m.verdict, '$.team')) = ?" if team else ""}""",
        (iso(start), iso(end), *((team,) if team else ())))
    step = bucket_seconds(start, end)
    count = max(1, math.ceil((end - start).total_seconds() / step))
    by_source: dict[str, list[int]] = {}
    by_lang: dict[str, list[int]] = {}
    for r in rows:
        index = min(int((parse_iso(r["published_at"]) - start).total_seconds() // step), count - 1)
        by_source.setdefault(r["source"], [0] * count)[index] += 1
        by_lang.setdefault(r["lang"], [0] * count)[index] += 1
    buckets = [iso(datetime.fromtimestamp(start.timestamp() + i * step, start.tzinfo)) for i in range(count)]
    return {"bucket_seconds": step, "buckets": buckets, "total": len(rows),
            "by_source": _series(by_source), "by_lang": _series(by_lang)}


def _series(counts: dict[str, list[int]]) -> list[dict[str, Any]]:
    """Largest first, then by name: the order legends and CSV rows keep."""
    items = [{"name": name, "total": sum(c), "counts": c} for name, c in counts.items()]
    return sorted(items, key=lambda s: (-s["total"], s["name"]))


def _alerts(store: Store, start: datetime, end: datetime, team: str | None) -> list[dict[str, Any]]:
    """Alerts on complaints posted in the range, each with the moment of its first response (or None)."""
    params = (iso(start), iso(end), *((team,) if team else ()))
    team_sql = "AND a.team = ?" if team else ""
    alerts = store.rows(
        f"""SELECT a.id, a.team, a.state, a.due_at, m.published_at FROM alerts a
            JOIN mentions m ON m.id = a.mention_id
            WHERE m.published_at >= ? AND m.published_at < ? {team_sql}
              AND a.state NOT IN ({', '.join('?' * len(LEFT_OUT))}) ORDER BY a.id""",
        (*params, *LEFT_OUT))
    answers = store.rows(
        f"""SELECT e.alert_id, e.kind, e.at, r.published_at AS reply_at FROM events e
            JOIN alerts a ON a.id = e.alert_id JOIN mentions m ON m.id = a.mention_id
            LEFT JOIN mentions r ON e.actor LIKE 'auto:%' AND e.note LIKE 'reply %'
                 AND r.source = m.source AND r.native_id = substr(e.note, 7)
            WHERE e.kind IN ('responded', 'resolved') AND m.published_at >= ? AND m.published_at < ? {team_sql}""",
        params)
    first: dict[int, dict[str, datetime]] = {}
    for e in answers:
        moment = parse_iso(e["reply_at"] or e["at"])
        seen = first.setdefault(e["alert_id"], {})
        seen[e["kind"]] = min(moment, seen.get(e["kind"], moment))
    for a in alerts:
        seen = first.get(a["id"], {})
        answered = seen.get("responded") or seen.get("resolved")
        posted = parse_iso(a["published_at"])
        a["responded_at"] = max(answered, posted) if answered else None
        a["posted"], a["due"] = posted, parse_iso(a["due_at"])
    return alerts


def _sla_status(alert: dict[str, Any], now: datetime) -> str:
    if alert["responded_at"] is not None:
        return "met" if alert["responded_at"] <= alert["due"] else "missed"
    return "missed" if alert["due"] <= now else "pending"


def sla(alerts: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    per_team: dict[str, dict[str, int]] = {}
    for a in alerts:
        counts = per_team.setdefault(a["team"], {"met": 0, "missed": 0, "pending": 0})
        counts[_sla_status(a, now)] += 1
    total = {k: sum(c[k] for c in per_team.values()) for k in ("met", "missed", "pending")}
    return {"total": _with_share(total), "teams": [{"team": t, **_with_share(c)} for t, c in sorted(per_team.items())]}


def _with_share(counts: dict[str, int]) -> dict[str, Any]:
    decided = counts["met"] + counts["missed"]
    return {**counts, "met_share": round(counts["met"] / decided, 4) if decided else None}


def first_response(alerts: list[dict[str, Any]]) -> dict[str, Any]:
    waits: dict[str, list[float]] = {}
    for a in alerts:
        if a["responded_at"] is not None:
            waits.setdefault(a["team"], []).append((a["responded_at"] - a["posted"]).total_seconds())
    everyone = [w for team_waits in waits.values() for w in team_waits]
    return {"buckets": [label for _, label in RESPONSE_BUCKETS], "total": _distribution(everyone),
            "teams": [{"team": t, **_distribution(w)} for t, w in sorted(waits.items())]}


def _distribution(seconds: list[float]) -> dict[str, Any]:
    counts = [0] * len(RESPONSE_BUCKETS)
    for s in seconds:
        counts[next(i for i, (limit, _) in enumerate(RESPONSE_BUCKETS) if limit is None or s < limit)] += 1
    ordered = sorted(seconds)
    return {"count": len(ordered), "counts": counts, "median_minutes": _rank(ordered, 0.5),
            "p90_minutes": _rank(ordered, 0.9)}


def _rank(ordered: list[float], share: float) -> float | None:
    """Nearest-rank percentile in minutes: a real observed wait, never an average of two."""
    if not ordered:
        return None
    return round(ordered[max(0, math.ceil(share * len(ordered)) - 1)] / 60, 1)
