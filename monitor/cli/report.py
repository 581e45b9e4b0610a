"""`report`: complaints, SLA and first-response times over a date range, as text or JSON."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from monitor.clock import SystemClock
from monitor.config import load_settings
from monitor.dates import DateError, day_range, parse_day
from monitor.reports import build_report
from monitor.store import Store


def report(args) -> int:
    config = load_settings(args.config, check_examples=False)
    teams = config.settings.teams
    tz = teams[0].timezone if teams else "UTC"    # the dashboard's zone: the same days either way
    path = Path(args.db) if getattr(args, "db", None) else Path(config.settings.store.path)
    store = Store(path if path.is_absolute() or getattr(args, "db", None) else config.base_dir / path)
    now = SystemClock().now()
    try:
        first, last, start, end = day_range(parse_day(args.start), parse_day(args.end), tz, now)
    except DateError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    data = build_report(store, start, end, now, team=args.team)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    print(_text(data, f"{first} to {last} ({tz})"))
    return 0


def _text(data: dict, span: str) -> str:
    complaints, sla, waits = data["complaints"], data["sla"], data["first_response"]
    lines = [f"Report {span}" + (f", team {data['range']['team']}" if data["range"]["team"] else ""),
             f"  complaints: {complaints['total']}"]
    for key, label in (("by_source", "by source"), ("by_lang", "by language")):
        lines.append(f"    {label}: " + (", ".join(f"{s['name']} {s['total']}" for s in complaints[key]) or "none"))
    lines.append("  SLA (met / missed / pending):")
    for row in [{"team": "all", **sla["total"]}, *sla["teams"]]:
        share = f"{row['met_share']:.0%} met" if row["met_share"] is not None else "-"
        lines.append(f"    {row['team']:<14} {row['met']} / {row['missed']} / {row['pending']}  {share}")
    lines.append("  first response (answered, median, 90th percentile, minutes):")
    for row in [{"team": "all", **waits["total"]}, *waits["teams"]]:
        lines.append(f"    {row['team']:<14} {row['count']}  {_minutes(row['median_minutes'])}  "
                     f"{_minutes(row['p90_minutes'])}")
    return "\n".join(lines)


def _minutes(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
