"""Open notices (storms, silent sources) as the queue page's banners, in the interface's language.

The notifiers speak English (monitor/watch/wording.py); a Persian-speaking team reading the
dashboard in Persian gets the same facts in Persian. Customer words (a storm's top terms) and a
source's error text are shown as they are, escaped by the template.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from monitor.clock import parse_iso
from monitor.watch.wording import render_notice
from monitor.web.i18n import number_text


@dataclass
class Banner:
    kind: str
    title: str
    lines: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


def banners(rows: list[dict], lang: str) -> list[Banner]:
    out = []
    for row in rows:
        if lang == "fa":
            out.append(_persian(row))
        else:
            n = render_notice(row, "opened", "", "")
            out.append(Banner(row["kind"], n.title, list(n.lines), list(n.terms)))
    return out


def _persian(row: dict) -> Banner:
    body = row["body"]
    fa = lambda value: number_text(value, "fa")   # noqa: E731
    if row["kind"] == "storm":
        return Banner("storm", f"طوفان شکایت: {fa(body['count'])} شکایت در {_span(body['window'])} گذشته",
                      [f"معمول: {fa(round(body['mean'], 1))} ± {fa(round(body['sd'], 1))} در هر {_span(body['window'])}؛ "
                       f"طوفان از {fa(round(body['threshold']))} شروع می‌شود."], list(body.get("terms") or []))
    since, opened = parse_iso(body["since"]), parse_iso(row["opened_at"])
    lasted = _span((opened - since).total_seconds()) if since and opened else "?"
    if body.get("reason") == "failing":
        return Banner(row["kind"], f"منبع {body['source']} {lasted} است که خطا می‌دهد",
                      [f"آخرین خطا: {body.get('last_error') or 'نامعلوم'}"])
    return Banner(row["kind"], f"از منبع {body['source']} {lasted} است که چیز تازه‌ای نیامده",
                  ["شاید خوراکش عوض شده، جستجویش درست نیست یا اعتبارنامه‌اش منقضی شده است."])


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    parts = ([f"{number_text(hours, 'fa')} ساعت"] if hours else []) + \
        ([f"{number_text(minutes, 'fa')} دقیقه"] if minutes or not hours else [])
    return " و ".join(parts)
