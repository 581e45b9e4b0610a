"""Language identification by script: tells Persian from Arabic by the letters only one of them uses."""
from __future__ import annotations

_PERSIAN_ONLY = set("پچژگ" "ی" "ک")      # Persian letters and the Persian forms of yeh and kaf
_ARABIC_ONLY = set("ةىيك" "إأؤ")         # teh marbuta, alef maksura, Arabic yeh and kaf, hamza forms


def detect_language(text: str, hint: str | None = None) -> str:
    """Return 'fa', 'ar', 'en' or 'und'. A source's hint wins only where the script agrees."""
    arabic_script = persian = arabic = latin = 0
    for ch in text:
        if "\u0600" <= ch <= "\u06FF" or "\uFB50" <= ch <= "\uFEFF":
            arabic_script += 1
            persian += ch in _PERSIAN_ONLY
            arabic += ch in _ARABIC_ONLY
        elif ch.isascii() and ch.isalpha():
            latin += 1
    if arabic_script and arabic_script >= latin / 3:
        if hint in ("fa", "ar"):
            return hint
        return "fa" if persian > arabic else "ar"
    if latin:
        return hint if hint and hint not in ("fa", "ar") else "en"
    return hint or "und"
