"""Gregorian to Solar Hijri (Jalali) dates, the calendar Iranian teams read.

The arithmetic is the widely published day-count conversion (Borkowski's method as used by
jdatetime and others), written here because it is twenty lines.
"""
from __future__ import annotations

from datetime import date

MONTHS_FA = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
_G_DAYS = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def to_jalali(day: date) -> tuple[int, int, int]:
    gy, gm, gd = day.year, day.month, day.day
    gy2 = gy + 1 if gm > 2 else gy
    days = 355666 + 365 * gy + (gy2 + 3) // 4 - (gy2 + 99) // 100 + (gy2 + 399) // 400 + gd + _G_DAYS[gm - 1]
    jy = -1595 + 33 * (days // 12053)
    days %= 12053
    jy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        jy += (days - 1) // 365
        days = (days - 1) % 365
    if days < 186:
        return jy, 1 + days // 31, 1 + days % 31
    return jy, 7 + (days - 186) // 30, 1 + (days - 186) % 30


PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def jalali_text(day: date) -> str:
    y, m, d = to_jalali(day)
    return f"{d} {MONTHS_FA[m - 1]} {y}".translate(PERSIAN_DIGITS)
