"""Normalisation for matching: one spelling per letter so rules and lexicons match what people type."""
from __future__ import annotations

import re
import unicodedata

# Arabic letter forms that Persian writes differently; matching treats them as one.
_LETTERS = str.maketrans({
    "ي": "ی", "ى": "ی", "ك": "ک", "ۀ": "ه", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ؤ": "و", "ئ": "ی",   # hamza seats vary with the writer: بطيئة / بطيیه
    "’": "'", "‘": "'", "ʼ": "'",   # phones type curly apostrophes: "doesn’t work" is "doesn't work"
})
# Persian (U+06F0..) and Arabic-Indic (U+0660..) digits become ASCII digits.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_DIACRITICS = re.compile(r"[\u064B-\u065F\u0670\u06D6-\u06ED]")
_TATWEEL = "\u0640"
_ZW = re.compile(r"[\u200B\u200C\u200D\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]")
_ELONGATED = re.compile(r"(\w)\1{2,}")          # "sooooo" -> "soo"; keeps real double letters
_REPEATED_PUNCT = re.compile(r"([!?؟.،,])\1+")


def fold(text: str) -> str:
    """Normalise a text for matching, whatever its language."""
    text = unicodedata.normalize("NFKC", text)
    text = _ZW.sub(" ", text).replace(_TATWEEL, "")
    text = _DIACRITICS.sub("", text)
    text = text.translate(_LETTERS).translate(_DIGITS)
    text = _ELONGATED.sub(r"\1\1", text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    return text.casefold()
