"""Solar Hijri conversion on known dates (Nowruz and month starts)."""
from __future__ import annotations

from datetime import date

import pytest

from monitor.web.jalali import jalali_text, to_jalali


@pytest.mark.parametrize("gregorian,jalali", [
    (date(2024, 3, 20), (1403, 1, 1)),    # Nowruz 1403
    (date(2025, 3, 21), (1404, 1, 1)),
    (date(2026, 3, 21), (1405, 1, 1)),
    (date(2026, 11, 22), (1405, 9, 1)),   # 1 Azar
    (date(2026, 3, 20), (1404, 12, 29)),
    (date(2000, 1, 1), (1378, 10, 11)),
])
def test_known_dates(gregorian, jalali):
    assert to_jalali(gregorian) == jalali


def test_text_uses_persian_month_names_and_digits():
    assert jalali_text(date(2026, 11, 22)) == "۱ آذر ۱۴۰۵"
