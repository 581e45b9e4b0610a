"""Open notices (storms, silent sources) as the queue page's banners, in the interface's language
(monitor/watch/wording.py and wording_local.py, as the notifiers say them). Customer words (a
storm's top terms) and a source's error text are shown as they are, escaped by the template.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from monitor.watch.wording import render_notice


@dataclass
class Banner:
    kind: str
    title: str
    lines: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


def banners(rows: list[dict], lang: str) -> list[Banner]:
    out = []
    for row in rows:
        n = render_notice(row, "opened", "", "", lang if lang in ("fa", "ar") else "en")
        out.append(Banner(row["kind"], n.title, list(n.lines), list(n.terms)))
    return out
