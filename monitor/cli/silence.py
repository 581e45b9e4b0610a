"""`silence add|list|expire`: page nobody about a rule, source, term or team for a while, with who and why.

Stored silences apply at once to a running daemon (it reads them at every decision); the ones in
settings.yaml are listed too, marked as such, and change only with the file.
"""
from __future__ import annotations

import getpass
import json
import sys
from datetime import timedelta

from monitor.clock import SystemClock, iso, parse_iso
from monitor.config import ConfigError, load_settings
from monitor.store.silences import FIELDS, add_silence, all_silences, expire_silence
from rules.conditions import RuleError, compile_term
from rules.durations import parse_duration


def silence(args) -> int:
    from monitor.cli.commands import _open_store
    store = _open_store(args)
    now = SystemClock().now()
    if args.action == "add":
        return _add(args, store, now)
    if args.action == "expire":
        return _expire(args, store, now)
    return _list(args, store, now)


def _add(args, store, now) -> int:
    problems = _problems(args)
    if problems:
        for problem in problems:
            print(f"silence add: {problem}", file=sys.stderr)
        return 2
    starts = parse_iso(args.starts) if args.starts else now
    ends = starts + timedelta(seconds=parse_duration(args.duration))
    silence_id = add_silence(store, starts_at=starts, ends_at=ends, by=args.by or getpass.getuser(),
                             reason=args.reason, now=now, **{f: getattr(args, f) for f in FIELDS})
    print(f"silence #{silence_id} until {iso(ends)}")
    return 0


def _problems(args) -> list[str]:
    """Every mistake at once: a silence that names nothing, or a name that exists nowhere, would
    silently silence nothing (or everything)."""
    problems = []
    if not any(getattr(args, f) for f in FIELDS):
        problems.append("name at least one of --rule, --source, --term, --team")
    if not args.reason or not args.reason.strip():
        problems.append("--reason is required: the team must know why they hear nothing")
    try:
        if parse_duration(args.duration) <= 0:
            problems.append("--for must be longer than 0")
    except ValueError as exc:
        problems.append(f"--for: {exc}")
    if args.starts:
        try:
            parse_iso(args.starts)
        except ValueError:
            problems.append(f"--from: not a time: {args.starts!r} (use 2026-03-01T18:00:00Z)")
    if args.term:
        try:
            compile_term(args.term, "--term")
        except RuleError as exc:
            problems.append(f"--term: {exc.message}")
    return problems + _unknown_names(args)


def _unknown_names(args) -> list[str]:
    try:
        config = load_settings(args.config, check_examples=False)
    except ConfigError:
        return []    # no readable configuration (a bare --db): names cannot be checked here
    known = {"rule": {r.name for r in config.ruleset.rules}, "source": {c.common.name for c in config.sources},
             "team": {t.name for t in config.settings.teams}}
    return [f"--{field}: no {field} named {getattr(args, field)!r} in {args.config}"
            for field, names in known.items() if getattr(args, field) and getattr(args, field) not in names]


def _expire(args, store, now) -> int:
    if args.silence_id is None:
        print("silence expire needs a silence id (see `silence list`)", file=sys.stderr)
        return 2
    try:
        row = expire_silence(store, args.silence_id, args.by or getpass.getuser(), now)
    except (KeyError, ValueError) as exc:
        print(exc.args[0], file=sys.stderr)
        return 1
    print(json.dumps(row, ensure_ascii=False) if args.json else f"silence #{row['id']} expired")
    return 0


def _list(args, store, now) -> int:
    rows = [dict(r, origin="store", label=f"#{r['id']}") for r in all_silences(store, now, include_over=args.all)]
    rows += _configured(args, now)
    for row in rows:
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            what = ", ".join(f"{f}={row[f]!r}" for f in FIELDS if row.get(f))
            state = "over" if row.get("expired_at") or row["ends_at"] <= iso(now) else "active"
            print(f"{row['label']:<22} {state:<6} until {row['ends_at']}  {what}  by {row['created_by']}: {row['reason']}")
    if not rows and not args.json:
        print("no silences")
    return 0


def _configured(args, now) -> list[dict]:
    try:
        settings = load_settings(args.config, check_examples=False).settings
    except ConfigError:
        return []
    out = []
    for i, s in enumerate(settings.silences):
        if s.until <= now and not args.all:
            continue
        out.append({"label": f"settings silences[{i}]", "origin": "settings", "rule": s.rule, "source": s.source,
                    "term": s.term, "team": s.team, "starts_at": iso(s.starts) if s.starts else None,
                    "ends_at": iso(s.until), "created_by": s.by, "reason": s.reason})
    return out
