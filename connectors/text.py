"""Turning source markup into the plain text the rules and the dashboard read."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"}
_SKIP = {"script", "style", "template"}
_SPACES = re.compile(r"[ \t\r\f\v]+")
_NEWLINES = re.compile(r"\n\s*\n+")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")


class _Stripper(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP and self.skipping:
            self.skipping -= 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str | None) -> str:
    """Plain text from HTML: tags dropped, scripts skipped, entities decoded, whitespace tidied."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        text = markup            # no markup to parse; the whitespace is tidied all the same
    else:
        text = _parsed(markup)
    text = text.replace("\x00", "")
    text = _SPACE_AROUND_NEWLINE.sub("\n", _SPACES.sub(" ", text))
    return _NEWLINES.sub("\n", text).strip()


def _parsed(markup: str) -> str:
    stripper = _Stripper()
    try:
        stripper.feed(markup)
        stripper.close()
        return "".join(stripper.parts)
    except Exception:  # HTMLParser is lenient; if it still fails, fall back to entity decoding
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))


def entity_text(value) -> str:
    """Plain text that may carry HTML entities (App Store labels, Trustpilot's API): entities decoded,
    nothing else touched, so a customer's "<3" or "a < b > c" is kept as typed."""
    return html.unescape(value).strip() if isinstance(value, str) else ""
