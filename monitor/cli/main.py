"""Parses the command line and hands each subcommand to its own module."""
from __future__ import annotations

import argparse
import sys

from monitor.config import ConfigError

DEFAULT_CONFIG = "settings.yaml"
EXIT_CONFIG = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run.py", description="Complaint monitor: watches feeds for brand "
                                     "complaints and puts them on the support team's queue.")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="settings file (default: settings.yaml)")
    parser.add_argument("--demo", action="store_true", help="run on the bundled demo replay source")
    parser.add_argument("--once", action="store_true", help="poll every source once, process, deliver, exit")
    parser.add_argument("--db", help="database file (overrides store.path)")
    parser.add_argument("--port", type=int, help="dashboard port (overrides web.port; 0 picks a free one)")
    sub = parser.add_subparsers(dest="command")

    check = sub.add_parser("check", help="validate the configuration")
    check.add_argument("--config", default=argparse.SUPPRESS)

    classify = sub.add_parser("classify", help="classify JSON lines from stdin")
    classify.add_argument("--config", default=argparse.SUPPRESS)

    mentions = sub.add_parser("mentions", help="stored mentions")
    mentions.add_argument("action", choices=["list"])
    mentions.add_argument("--json", action="store_true")
    mentions.add_argument("--limit", type=int, default=0)
    mentions.add_argument("--config", default=argparse.SUPPRESS)
    mentions.add_argument("--db", default=argparse.SUPPRESS)

    queue = sub.add_parser("queue", help="the team queue")
    queue.add_argument("action", choices=["list", "claim", "respond", "resolve", "dismiss", "merge", "stats"])
    queue.add_argument("alert_id", nargs="?", type=int)
    queue.add_argument("--json", action="store_true")
    queue.add_argument("--all", action="store_true", help="list alerts in every state, not only open ones")
    queue.add_argument("--by", default="cli", help="who is acting (recorded on the event)")
    queue.add_argument("--note", default="")
    queue.add_argument("--into", type=int, help="with merge: the alert that stays (the other is its duplicate)")
    queue.add_argument("--since", help="with stats: alerts posted since (7d, or an ISO time)")
    queue.add_argument("--until", help="with stats: alerts posted before (ISO time)")
    queue.add_argument("--tz", help="with stats: the zone days are counted in (default: the first team's)")
    queue.add_argument("--config", default=argparse.SUPPRESS)
    queue.add_argument("--db", default=argparse.SUPPRESS)

    report = sub.add_parser("report", help="complaints, SLA and response times over a date range")
    report.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: 6 days before --to)")
    report.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: today in the team's zone)")
    report.add_argument("--team", help="only this team's alerts")
    report.add_argument("--json", action="store_true")
    report.add_argument("--config", default=argparse.SUPPRESS)
    report.add_argument("--db", default=argparse.SUPPRESS)

    silence = sub.add_parser("silence", help="page nobody about a rule, source, term or team for a while")
    silence.add_argument("action", choices=["add", "list", "expire"])
    silence.add_argument("silence_id", nargs="?", type=int)
    for field in ("rule", "source", "term", "team"):
        silence.add_argument(f"--{field}", help=f"silence alerts with this {field} (every one given must hold)")
    silence.add_argument("--for", dest="duration", default="1h", help="how long: 30m, 2h, 1d (default 1h)")
    silence.add_argument("--from", dest="starts", help="start later than now (ISO time)")
    silence.add_argument("--by", help="who (default: your login name)")
    silence.add_argument("--reason", help="why (required for add)")
    silence.add_argument("--all", action="store_true", help="with list: also silences that are over")
    silence.add_argument("--json", action="store_true")
    silence.add_argument("--config", default=argparse.SUPPRESS)
    silence.add_argument("--db", default=argparse.SUPPRESS)

    sub.add_parser("hash-password", help="read a password on stdin, print the hash for web.users")

    rules = sub.add_parser("rules", help="test and explain the rules")
    rules.add_argument("action", choices=["test", "explain", "learn"])
    rules.add_argument("--report", action="store_true", help="with learn: cross-validated agreement")
    rules.add_argument("--db", default=argparse.SUPPRESS)
    rules.add_argument("text", nargs="?")
    rules.add_argument("--lang")
    rules.add_argument("--config", default=argparse.SUPPRESS)
    return parser


# Subcommand -> (module, function). Imported only when used, so `classify` starts without the daemon's
# web and notifier code.
COMMANDS = {
    "check": ("monitor.cli.commands", "check"),
    "classify": ("monitor.cli.classify", "classify"),
    "mentions": ("monitor.cli.commands", "mentions"),
    "queue": ("monitor.cli.commands", "queue"),
    "silence": ("monitor.cli.silence", "silence"),
    "hash-password": ("monitor.cli.commands", "hash_password_command"),
    "report": ("monitor.cli.report", "report"),
    "rules": ("monitor.cli.commands", "rules"),
    None: ("monitor.daemon", "run_daemon"),
}


def main(argv: list[str] | None = None) -> int:
    import importlib
    args = build_parser().parse_args(argv)
    module, function = COMMANDS[args.command]
    try:
        return getattr(importlib.import_module(module), function)(args)
    except BrokenPipeError:  # `... | head` closed the pipe: not an error for a listing command
        sys.stderr.close()
        return 0
    except ConfigError as exc:
        print(f"configuration error ({len(exc.issues)}):", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return EXIT_CONFIG
