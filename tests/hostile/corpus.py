"""Nasty mentions: what strangers can put in a post. Each entry is (name, text)."""
from __future__ import annotations

CORPUS: list[tuple[str, str]] = [
    ("script tag", "<script>alert('x')</script> acme never delivered"),
    ("event handler", '<img src=x onerror="alert(1)"> acme refund please'),
    ("javascript url", "[click](javascript:alert(document.cookie)) acme is broken"),
    ("slack pings", "<!channel> <!here> <@U12345> acme lost my bag"),
    ("telegram markup", "<b>bold</b> <a href='tg://x'>x</a> & < > acme"),
    ("rtl override", "acme \u202egnikrow ton si ti\u202c refund"),
    ("zero width", "a\u200bc\u200cm\u200de\ufeff never arrived"),
    ("combining flood", "acme" + "\u0301" * 5000 + " still waiting"),
    ("null bytes", "acme\x00 never\x00 arrived"),
    ("lone surrogate", "acme broken \ud800 order"),
    ("emoji sequences", "acme 👩‍👩‍👧‍👦🏳️‍🌈🇮🇷 😡😡😡 still waiting"),
    ("header injection", "acme late\r\nBcc: victim@example.com\r\n\r\nbody"),
    ("format string", "acme %s %d {0} {text} ${HOME} refund"),
    ("sql-ish", "acme'); DROP TABLE mentions;-- refund"),
    ("persian with zwnj", "آکمه سفارش\u200cهام هنوز نرسیده"),
    ("huge text", "acme refund " + "x" * 1_000_000),
    ("only whitespace", " \t\n "),
    ("regex bomb", "a" * 50_000 + "!"),
]
