"""Business-hours deadlines in Asia/Tehran across a weekend and a holiday."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from monitor.sla.calendar import parse_calendar

TEHRAN = parse_calendar("Asia/Tehran", "08:00-16:00", ["fri"], ["2026-03-21"])
UTC = timezone.utc

CASES = {
    "inside working hours": (datetime(2026, 3, 17, 6, 0, tzinfo=UTC), 3600, datetime(2026, 3, 17, 7, 0, tzinfo=UTC)),
    # Thursday 15:30 Tehran: 30 min left that day, Friday off, Saturday a holiday, Sunday 08:30.
    "across the weekend and a holiday": (datetime(2026, 3, 19, 12, 0, tzinfo=UTC), 3600,
                                         datetime(2026, 3, 22, 5, 0, tzinfo=UTC)),
    "posted at night starts next morning": (datetime(2026, 3, 16, 20, 0, tzinfo=UTC), 900,
                                            datetime(2026, 3, 17, 4, 45, tzinfo=UTC)),
    "posted on the day off": (datetime(2026, 3, 20, 8, 0, tzinfo=UTC), 3600,
                              datetime(2026, 3, 22, 5, 30, tzinfo=UTC)),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_deadline_in_working_time(case):
    start, seconds, expected = CASES[case]
    assert TEHRAN.add_working_time(start, seconds) == expected


def test_the_default_calendar_is_24_7():
    start = datetime(2026, 3, 20, 23, 30, tzinfo=UTC)
    assert parse_calendar().add_working_time(start, 3600) == datetime(2026, 3, 21, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("kwargs,message", [
    ({"tz": "Mars/Olympus"}, "Mars"),
    ({"hours": "nine to five"}, "hours must look like"),
    ({"days_off": ["funday"]}, "unknown day"),
    ({"days_off": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}, "every day"),
])
def test_bad_calendars_are_refused(kwargs, message):
    with pytest.raises(Exception, match=message):
        parse_calendar(**kwargs)
