"""Subcommands that read or change the store and the configuration: check, mentions, queue, rules."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from monitor.clock import SystemClock
from monitor.config import load_settings
from monitor.queue import act, list_alerts, merge
from monitor.store import Store


def _open_store(args) -> Store:
    if getattr(args, "db", None):
        return Store(args.db)
    config = load_settings(args.config, check_examples=False)
    path = Path(config.settings.store.path)
    return Store(path if path.is_absolute() else config.base_dir / path)


def check(args) -> int:
    config = load_settings(args.config)
    s = config.settings
    print(f"{args.config}: valid — {len(config.sources)} source(s), {len(config.notifiers)} notifier(s), "
          f"{len(config.ruleset.rules)} rule(s), examples pass")
    if not config.sources:
        print("  no sources enabled: `python run.py` will run the bundled demo")
    print(f"  store: {s.store.path}; dashboard: http://{s.web.host}:{s.web.port}")
    return 0


def mentions(args) -> int:
    from monitor.store.rows import mention_public
    store = _open_store(args)
    sql = "SELECT * FROM mentions ORDER BY id" + (" LIMIT ?" if args.limit else "")
    rows = store.rows(sql, (args.limit,) if args.limit else ())
    for row in rows:
        item = mention_public(row)
        if args.json:
            print(json.dumps(item, ensure_ascii=False))
        else:
            flag = {True: "COMPLAINT", False: "-", None: "pending"}[item["complaint"]]
            print(f"{item['id']:>5} {item['published_at']} {item['source']:<20} {flag:<9} "
                  f"{item['lang'] or '?':<3} {_one_line(item['text'])}")
    return 0


def queue(args) -> int:
    store = _open_store(args)
    if args.action == "stats":
        from monitor.cli.stats import stats
        return stats(args, store)
    if args.action == "list":
        alerts = list_alerts(store, states=None if args.all else ("open", "claimed", "responded"))
        for a in alerts:
            if args.json:
                print(json.dumps(a, ensure_ascii=False))
            else:
                print(f"#{a['id']:<4} due {a['due_at']}  {a['state']:<9} {a['priority']:<7} {a['team']:<10} "
                      f"{a['mention']['source']:<18} {_one_line(a['mention']['text'], 70)}")
        if not alerts and not args.json:
            print("the queue is empty")
        return 0
    if args.alert_id is None:
        print(f"queue {args.action} needs an alert id", file=sys.stderr)
        return 2
    if args.action == "merge" and args.into is None:
        print("queue merge needs --into ID: the alert that stays", file=sys.stderr)
        return 2
    try:
        if args.action == "merge":
            alert = merge(store, args.alert_id, args.into, args.by, SystemClock().now(), note=args.note)
        else:
            alert = act(store, args.alert_id, args.action, args.by, SystemClock().now(), note=args.note)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 1
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    into = f" into #{alert['merged_into']}" if alert.get("merged_into") else ""
    print(json.dumps(alert, ensure_ascii=False) if args.json else f"alert #{alert['id']} is now {alert['state']}{into}")
    return 0


def rules(args) -> int:
    config = load_settings(args.config, check_examples=False)
    ruleset = config.ruleset
    if args.action == "test":
        failures = ruleset.example_failures()
        total = sum(len(r.examples.get("match", [])) + len(r.examples.get("no_match", [])) for r in ruleset.rules)
        for failure in failures:
            print(f"FAIL {failure}")
        print(f"{total - len(failures)} of {total} rule examples pass across {len(ruleset.rules)} rules")
        return 1 if failures else 0
    if args.action == "learn":
        return _learn(args, ruleset)
    if not args.text:
        print("rules explain needs a text", file=sys.stderr)
        return 2
    verdict = ruleset.classify_text(args.text, args.lang)
    print(f"complaint: {'yes' if verdict.complaint else 'no'}"
          + (f" (priority {verdict.priority}, respond within {verdict.respond_within // 60}m, team {verdict.team})"
             if verdict.complaint else "") + (" [suppressed]" if verdict.suppressed else ""))
    print(f"language: {verdict.lang}  sentiment: {verdict.sentiment:+.2f}  complaint score: {verdict.complaint_score:.2f}")
    for step in verdict.explanation:
        print(f"  rule {step['rule']}: {step['held']}")
    if not verdict.explanation:
        print("  no rule matched")
    return 0


def _one_line(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def hash_password_command(args) -> int:
    import getpass

    from monitor.web.auth import hash_password
    password = getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        print("use at least 8 characters", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


def _learn(args, ruleset) -> int:
    """Train the team's model from its verdicts; with --report, what it changes under cross-validation."""
    from monitor.learner import Learner
    store = _open_store(args)
    learner = Learner(store, SystemClock())
    model = learner.retrain(ruleset)
    counts = model.docs
    state = "in use" if learner.enabled else \
        "not in use (needs 20 of each, and to find the team's complaints better than the rules)"
    print(f"trained on {learner.trained_on} team verdicts ({counts['1']} complaints, {counts['0']} not); {state}")
    if args.report:
        print(json.dumps(learner.report))
    return 0
