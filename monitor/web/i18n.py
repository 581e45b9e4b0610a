"""The interface in English or Persian (right to left), and times in the team's zone and calendar."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from monitor.clock import parse_iso
from monitor.web.jalali import PERSIAN_DIGITS, jalali_text

LANGS = ("en", "fa")
STRINGS = {
    "fa": {
        "Complaint monitor": "پایشگر شکایت‌ها", "Queue": "صف", "Sources": "منابع", "Log out": "خروج",
        "Log in": "ورود", "Name": "نام", "Password": "گذرواژه", "Wrong name or password.": "نام یا گذرواژه نادرست است.",
        "open": "باز", "claimed": "برداشته شده", "responded": "پاسخ داده شد", "resolved": "حل شد",
        "dismissed": "شکایت نبود", "Claim": "برداشتن", "Responded": "پاسخ دادم", "Resolve": "حل شد",
        "Not a complaint": "شکایت نیست", "Nothing waiting. New complaints appear here by themselves.":
        "چیزی در صف نیست. شکایت‌های تازه خودشان اینجا می‌آیند.", "Why this is on the queue": "چرا در صف است",
        "History": "تاریخچه", "Open the post": "دیدن پست", "team": "تیم", "posted": "ارسال", "followers": "دنبال‌کننده",
        "by": "توسط", "left": "مانده", "overdue": "گذشته", "urgent": "فوری", "high": "بالا", "normal": "عادی",
        "low": "پایین", "Alert": "هشدار", "Status": "وضعیت", "Kind": "نوع", "Last poll": "آخرین بررسی",
        "Next poll": "بررسی بعدی", "Failures in a row": "خطای پیاپی", "Mentions": "اشاره‌ها", "Quota": "سهمیه",
        "Last error": "آخرین خطا", "Source": "منبع", "silent": "خاموش",
    },
}


def translator(lang: str):
    table = STRINGS.get(lang, {})
    return lambda text: table.get(text, text)


def when(iso_text: str | None, tz: str, lang: str) -> str:
    """A stored UTC time as the team reads it: their zone; Solar Hijri dates in Persian."""
    moment = parse_iso(iso_text) if iso_text else None
    if moment is None:
        return "–"
    local = moment.astimezone(ZoneInfo(tz))
    if lang == "fa":
        return f"{jalali_text(local.date())}، {local:%H:%M}".translate(PERSIAN_DIGITS)
    return f"{local:%Y-%m-%d %H:%M} ({tz})"


def now_text(now: datetime, tz: str, lang: str) -> str:
    return when(now.strftime("%Y-%m-%dT%H:%M:%SZ"), tz, lang)
