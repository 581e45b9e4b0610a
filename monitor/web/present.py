"""Turning stored rows into what a page shows: safe links, highlighted words, time left."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from monitor.clock import parse_iso

QUEUE_TEXT_CAP = 600
ALERT_TEXT_CAP = 20_000
# Words the explanation quotes, as Python's repr quotes them: 'lost', or "can't" when the word holds '.
_TERMS = re.compile(r"'([^']{1,80})'|\"([^\"]{1,80})\"")


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are links; javascript:, data: and the rest are shown as text or not at all."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def matched_words(explanation: list[dict]) -> list[str]:
    words = []
    for step in explanation or []:
        words += [single or double for single, double in _TERMS.findall(str(step.get("held", "")))]
    return list(dict.fromkeys(w for w in words if w.strip()))


def highlight(text: str, words: list[str], cap: int) -> Markup:
    """Escape every piece of the text and wrap the matched words in <mark>: matching runs on the raw
    text, so nothing of it can become markup and no entity (&amp;) is ever cut by a match."""
    shown = text if len(text) <= cap else text[:cap] + "…"
    words = [w for w in words if w.strip()][:32]
    if not words:
        return Markup(escape(shown))
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(shown):
        pieces += [escape(shown[last:match.start()]), Markup("<mark>%s</mark>") % match.group(0)]
        last = match.end()
    pieces.append(escape(shown[last:]))
    return Markup("").join(pieces)


def time_left(due_at: str, now) -> tuple[float, str]:
    seconds = (parse_iso(due_at) - now).total_seconds()
    css = "overdue" if seconds < 0 else "soon" if seconds < 15 * 60 else "ok" if seconds > 30 * 60 else "warn"
    return seconds, css


def alert_view(alert: dict, now, cap: int = QUEUE_TEXT_CAP) -> dict:
    mention = alert["mention"]
    seconds, css = time_left(alert["due_at"], now)
    return {**alert, "seconds_left": int(seconds), "urgency": css,
            "text_html": highlight(mention["text"], matched_words(alert["explanation"]), cap),
            "link": safe_url(mention.get("url")), "truncated": len(mention["text"]) > cap}


_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))


def plain_label(text, limit: int = 60) -> str:
    """Customer text for a one-line label: bidi controls removed (nothing to isolate them in), capped."""
    text = " ".join(str(text or "").translate(_BIDI_CONTROLS).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
