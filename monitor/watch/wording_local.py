"""What a notice says in Persian and Arabic: the same facts as monitor/watch/wording.py, for a team
whose notifier speaks its language and for the dashboard's Persian banners.

Customer words (a storm's top terms and examples) and a source's error text stay as they are; each
notifier or template escapes them.
"""
from __future__ import annotations

from monitor.clock import parse_iso
from monitor.notifiers.words import number, span


def render_local(row: dict, phase: str, lang: str) -> tuple[str, list[str]]:
    """(title, lines) of a notice in `lang` ('fa' or 'ar')."""
    body = row["body"]
    n = lambda value: number(value, lang)   # noqa: E731
    if row["kind"] == "storm":
        window = span(body["window"], lang)
        usual = f"{n(round(body['mean'], 1))} ± {n(round(body['sd'], 1))}"
        if phase == "closed":
            count = n((row.get("closing") or {}).get("count", 0))
            return ((f"طوفان شکایت تمام شد: {count} شکایت در {window} گذشته", [f"از {n(body['count'])} شروع شد."])
                    if lang == "fa" else
                    (f"انتهت موجة الشكاوى: {count} شكوى في آخر {window}", [f"بدأت عند {n(body['count'])}."]))
        if lang == "fa":
            return (f"طوفان شکایت: {n(body['count'])} شکایت در {window} گذشته",
                    [f"معمول: {usual} در هر {window}؛ طوفان از {n(round(body['threshold']))} شروع می‌شود."])
        return (f"موجة شكاوى: {n(body['count'])} شكوى في آخر {window}",
                [f"المعتاد: {usual} لكل {window}؛ تبدأ الموجة عند {n(round(body['threshold']))}."])
    name = body["source"]
    if phase == "closed":
        return (f"منبع {name} دوباره کار می‌کند", []) if lang == "fa" else (f"عاد المصدر {name} للعمل", [])
    since, opened = parse_iso(body["since"]), parse_iso(row["opened_at"])
    lasted = span((opened - since).total_seconds(), lang) if since and opened else "?"
    error = body.get("last_error") or ("نامعلوم" if lang == "fa" else "غير معروف")
    if body.get("reason") == "failing":
        return ((f"منبع {name} {lasted} است که خطا می‌دهد", [f"آخرین خطا: {error}"]) if lang == "fa" else
                (f"المصدر {name} يفشل منذ {lasted}", [f"آخر خطأ: {error}"]))
    if lang == "fa":
        return (f"از منبع {name} {lasted} است که چیز تازه‌ای نیامده",
                ["شاید خوراکش عوض شده، جستجویش درست نیست یا اعتبارنامه‌اش منقضی شده است."])
    return (f"لم يأتِ جديد من المصدر {name} منذ {lasted}",
            ["ربما تغيّرت تغذيته أو استعلامه خاطئ أو انتهت صلاحية بيانات دخوله."])
