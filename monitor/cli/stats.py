"""`queue stats`: SLA figures from monitor/sla/metrics.py, as JSON (--json) or a short table."""
from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.clock import SystemClock, parse_iso
from monitor.config import ConfigError, load_settings
from monitor.sla.metrics import DIMENSIONS, sla_metrics
from rules.durations import parse_duration


def stats(args, store) -> int:
    now = SystemClock().now()
    try:
        since, until = _moment(args.since, now), _moment(args.until, now)
        zone = args.tz or _team_zone(args)
        ZoneInfo(zone)
    except (ValueError, LookupError) as exc:   # an unknown zone is a KeyError (ZoneInfoNotFoundError)
        print(f"queue stats: {exc}", file=sys.stderr)
        return 2
    report = sla_metrics(store, now, since=since, until=until, tz=zone)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(f"SLA since {report['since'] or 'the start'} (days in {report['timezone']})")
    print(f"{'':<28} {'alerts':>6} {'met':>5} {'missed':>6} {'pending':>7} {'met %':>6} {'p50':>7} {'p90':>7}")
    _line("total", report["total"])
    for dim in DIMENSIONS:
        for key, summary in report[f"by_{dim}"].items():
            _line(f"{dim} {key}", summary)
    return 0


def _line(label: str, s: dict) -> None:
    rate = f"{s['met_rate'] * 100:.0f}" if s["met_rate"] is not None else "-"
    t = s["first_response_seconds"]
    print(f"{label[:28]:<28} {s['alerts']:>6} {s['met']:>5} {s['missed']:>6} {s['pending']:>7} {rate:>6} "
          f"{_minutes(t['p50']):>7} {_minutes(t['p90']):>7}")


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.0f}m"


def _moment(text: str | None, now: datetime) -> datetime | None:
    """'7d' (that long ago) or an ISO time."""
    if not text:
        return None
    try:
        return now - timedelta(seconds=parse_duration(text))
    except ValueError:
        pass
    try:
        return parse_iso(text)
    except ValueError:
        raise ValueError(f"not a duration or a time: {text!r} (use 7d, or 2026-03-01T00:00:00Z)") from None


def _team_zone(args) -> str:
    try:
        teams = load_settings(args.config, check_examples=False).settings.teams
    except ConfigError:
        return "UTC"
    return teams[0].timezone if teams else "UTC"
