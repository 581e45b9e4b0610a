"""The interface in English or Persian (right to left), and times in the team's zone and calendar."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from monitor.clock import parse_iso
from monitor.notifiers.words import number
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
        # navigation and merging duplicates
        "Rules": "قواعد", "Reports": "گزارش‌ها", "Duplicate of": "تکراریِ", "Alert that stays": "هشداری که می‌ماند",
        "Merge": "ادغام", "Merged into": "ادغام شد در", "mentions on this alert": "اشاره در این هشدار",
        "merged": "ادغام شد", "absorbed": "تکراری ادغام شد", "warning": "هشدار مهلت", "breached": "مهلت گذشت",
        "created": "ایجاد شد", "grouped": "گروه شد",
        # mentions
        "found": "یافت شد", 'Search words or "a phrase"': "جستجوی واژه‌ها یا \"یک عبارت\"", "all": "همه",
        "Language": "زبان", "Verdict": "تشخیص", "verdict-complaint": "شکایت", "verdict-not": "شکایت نیست",
        "verdict-unprocessed": "هنوز بررسی نشده", "Polarity": "قطبیت", "to": "تا", "From": "از", "To": "تا",
        "Search": "جستجو", "No mentions match.": "هیچ اشاره‌ای پیدا نشد.",
        "Marked as a complaint by the team.": "تیم این را شکایت دانسته است.", "Missed complaint": "شکایت جاافتاده",
        "Newer": "جدیدتر", "Older": "قدیمی‌تر", "Page": "صفحه",
        # rules
        "No rules are loaded.": "هیچ قاعده‌ای بارگذاری نشده است.",
        "Rules run top to bottom; the first that matches decides, unless it says continue.":
        "قواعد از بالا به پایین اجرا می‌شوند؛ نخستین قاعده‌ای که جور شود تصمیم می‌گیرد، مگر آنکه «ادامه» داشته باشد.",
        "Counts cover the last {n} days.": "شمارش‌ها مربوط به {n} روز گذشته است.", "Rule": "قاعده", "When": "شرط",
        "Then": "نتیجه", "Examples": "نمونه‌ها", "Fired": "فعال شد", "Alerts": "هشدارها", "Dismissed": "رد شده",
        "line": "خط", "continues to the next rule": "به قاعده‌ی بعدی ادامه می‌دهد", "disabled": "غیرفعال",
        "pass": "درست", "should match": "باید جور شود", "should not match": "نباید جور شود", "none": "ندارد",
        # reports
        "Team": "تیم", "Show": "نمایش", "Download CSV": "دریافت CSV", "Complaints": "شکایت‌ها",
        "SLA met": "پاسخ به‌موقع", "met": "به‌موقع", "missed": "دیرکرد", "pending": "در انتظار",
        "Median first response": "میانه‌ی زمان نخستین پاسخ", "min": "دقیقه", "Nothing in this range.":
        "در این بازه چیزی نیست.", "CSV of this chart": "CSV این نمودار", "By team": "به تفکیک تیم",
        "Answered": "پاسخ‌داده", "Median": "میانه", "90th percentile": "صدک ۹۰",
        "Complaints per hour": "شکایت‌ها در هر ساعت", "Complaints per {n} hours": "شکایت‌ها در هر {n} ساعت",
        "by source": "به تفکیک منبع", "by language": "به تفکیک زبان", "Time": "زمان",
        "SLA met and missed by team": "پاسخ به‌موقع و دیرکرد به تفکیک تیم",
        "Time to first response": "زمان تا نخستین پاسخ",
        "Time from the post to the first answer": "فاصله‌ی پست تا نخستین پاسخ", "other": "سایر",
        "<15m": "زیر ۱۵ دقیقه", "15-30m": "۱۵ تا ۳۰ دقیقه", "30-60m": "۳۰ تا ۶۰ دقیقه", "1-2h": "۱ تا ۲ ساعت",
        "2-4h": "۲ تا ۴ ساعت", "4-8h": "۴ تا ۸ ساعت", "8-24h": "۸ تا ۲۴ ساعت", ">24h": "بیش از ۲۴ ساعت",
        "report-notes": "شکایت یعنی اشاره‌ای که شکایت تشخیص داده شده، مگر آنکه تیم آن را رد کرده باشد، یا اشاره‌ای "
        "که تیم «شکایت جاافتاده» دانسته است. نخستین پاسخ، نخستین رویداد «پاسخ دادم» (وگرنه «حل شد») است؛ پاسخ "
        "خود برند در رشته از زمان انتشارش حساب می‌شود. هشدارهای ردشده و ادغام‌شده در آمار پاسخ به‌موقع نیستند. "
        "روزها به وقت تیم است.",
    },
    # Keys that are not English text themselves.
    "en": {
        "verdict-complaint": "complaint", "verdict-not": "not a complaint", "verdict-unprocessed": "not judged yet",
        "report-notes": "A complaint is a mention judged a complaint, unless the team dismissed it, or one the "
        "team marked as a missed complaint. The first response is an alert's first \u201cresponded\u201d event "
        "(else its \u201cresolved\u201d one); when the brand's own account answered in the thread, the reply "
        "counts from when it was posted. Dismissed and merged alerts are left out of the SLA figures. Days are "
        "in the team's time zone.",
    },
}


def translator(lang: str):
    table = STRINGS.get(lang, {})
    return lambda text: table.get(text, text)


def number_text(value, lang: str) -> str:
    """Persian digits in the Persian interface, as in Persian notifications; the number itself unchanged."""
    return number(value, lang)


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
