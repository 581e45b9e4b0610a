"""What a notice says, built from its stored row when it is delivered (so a retry after a restart
says the same). Titles and lines are plain text; each notifier escapes them for its own format."""
from __future__ import annotations

from monitor.clock import parse_iso
from monitor.notifiers.base import Notice
from monitor.watch.wording_local import render_local


def render_notice(row: dict, phase: str, key: str, link_base: str, lang: str = "en") -> Notice:
    body, closing = row["body"], row["closing"]
    if row["kind"] == "storm":
        title, lines, terms, examples = _storm(body, closing, phase)
        link = f"{link_base}/"
    else:
        title, lines = _source(body, row, phase)
        terms, examples, link = [], [], f"{link_base}/sources"
    if lang != "en":
        title, lines = render_local(row, phase, lang)
    return Notice(key, row["kind"], phase, row["priority"], title, lines, terms, examples, link, lang)


def _storm(body: dict, closing: dict, phase: str):
    window = span(body["window"])
    if phase == "closed":
        return (f"Complaint storm over: {closing.get('count', 0)} complaints in the last {window}",
                [f"It started at {body['count']} (usual {body['mean']:.1f} ± {body['sd']:.1f} per {window})."], [], [])
    lines = [f"Usual: {body['mean']:.1f} ± {body['sd']:.1f} per {window}; a storm starts at {body['threshold']:.0f}.",
             "One notice per storm: the next comes only after volume falls back."]
    return (f"Complaint storm: {body['count']} complaints in the last {window}", lines, body["terms"],
            body["examples"])


def _source(body: dict, row: dict, phase: str):
    name, since = body["source"], parse_iso(body["since"])
    opened, closed = parse_iso(row["opened_at"]), parse_iso(row["closed_at"])
    if phase == "closed":
        what = "failing" if body["reason"] == "failing" else "silent"
        return f"Source {name} is back", [f"It had been {what} since {_at(since)}; back at {_at(closed)}."]
    if body["reason"] == "failing":
        return (f"Source {name} has been failing for {span((opened - since).total_seconds())}",
                [f"Failing since {_at(since)}. Last error: {body.get('last_error') or 'unknown'}"])
    return (f"Source {name} has brought nothing new for {span((opened - since).total_seconds())}",
            [f"Last new mention (or start of watching): {_at(since)}. Its feed may have changed, its query "
             "may be wrong, or its credentials may have lapsed."])


def _at(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "?"


def span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h" if not minutes else f"{hours}h {minutes:02d}m"
