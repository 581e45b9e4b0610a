"""Durations as people write them in YAML: 90s, 30m, 4h, 1d, or a number of seconds."""
from __future__ import annotations

import re

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value) -> int:
    """Seconds in a duration; raises ValueError with the offending text."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, (int, float)):
        return int(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"not a duration: {value!r} (use e.g. 90s, 30m, 4h, 1d)")
    return int(float(match.group(1)) * _UNIT[match.group(2)])
