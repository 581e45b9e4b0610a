"""The monitor's own words in a notification, in the team's language (a notifier's `language:`).

Customer text is never translated; only what the monitor says around it: the event, the priority,
the time left, "Why", the link. English is the fallback for any word without a translation.
"""
from __future__ import annotations

LANGUAGES = ("en", "fa", "ar")
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

# English word -> (Persian, Arabic), side by side so a new word gets both.
_WORDS = {
    "created": ("شکایت تازه", "شكوى جديدة"), "claimed": ("برداشته شد", "تم الاستلام"),
    "responded": ("پاسخ داده شد", "تم الرد"), "resolved": ("حل شد", "تم الحل"),
    "dismissed": ("شکایت نبود", "ليست شكوى"), "merged": ("ادغام شد", "تم الدمج"),
    "absorbed": ("تکراری ادغام شد", "دُمجت كمكررة"), "grouped": ("گروه شد", "جُمعت"),
    "warning": ("هشدار مهلت", "تنبيه المهلة"), "breached": ("مهلت گذشت", "انتهت المهلة"),
    "escalated": ("ارجاع شد", "تم التصعيد"),
    "urgent": ("فوری", "عاجل"), "high": ("بالا", "مرتفع"), "normal": ("عادی", "عادي"), "low": ("پایین", "منخفض"),
    "Why": ("چرا", "السبب"), "Open alert": ("باز کردن هشدار", "فتح التنبيه"),
    "Open the alert": ("باز کردن هشدار", "فتح التنبيه"), "Open the monitor": ("باز کردن پایشگر", "فتح المراقب"),
    "someone": ("کسی", "شخص ما"), "Top terms": ("واژه‌های پرتکرار", "أكثر الكلمات"), "complaint": ("شکایت", "شكوى"),
    "on": ("در", "على"),
}
_COLUMN = {"fa": 0, "ar": 1}


def say(word: str, lang: str) -> str:
    column = _COLUMN.get(lang)
    return word if column is None or word not in _WORDS else _WORDS[word][column]


def number(value, lang: str) -> str:
    """Persian digits and decimal point (٫) for Persian; Arabic teams read the digits the sources use."""
    text = str(value)
    return text.translate(_PERSIAN_DIGITS).replace(".", "٫") if lang == "fa" else text


def span(seconds: float, lang: str) -> str:
    minutes = int(abs(seconds) // 60)
    hours, minutes = divmod(minutes, 60)
    if lang == "en":
        return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"
    unit_h, unit_m, joint = ("ساعت", "دقیقه", " و ") if lang == "fa" else ("ساعة", "دقيقة", " و")
    parts = ([f"{number(hours, lang)} {unit_h}"] if hours else []) + \
        ([f"{number(minutes, lang)} {unit_m}"] if minutes or not hours else [])
    return joint.join(parts)


def time_left(seconds: float, lang: str = "en") -> str:
    left = span(seconds, lang)
    if lang == "fa":
        return f"{left} مانده" if seconds >= 0 else f"{left} از مهلت گذشته"
    if lang == "ar":
        return f"متبقٍ {left}" if seconds >= 0 else f"متأخر {left}"
    return f"{left} left" if seconds >= 0 else f"overdue by {left}"
