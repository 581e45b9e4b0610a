"""Customer text in logs: control characters and bidi overrides escaped, so a log line stays one line."""
from __future__ import annotations

import re

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def safe(text: str | None, limit: int = 300) -> str:
    if text is None:
        return ""
    text = _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    return repr(text[:limit] + ("…" if len(text) > limit else ""))
