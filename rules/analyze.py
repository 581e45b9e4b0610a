"""Everything the rules read about a text, computed once per mention: language, normal form, scores."""
from __future__ import annotations

import re

from monitor.models import Scores
from rules.language import detect_language
from rules.normalize import fold
from rules.sentiment import scorer_for

_QUESTION = re.compile(r"[?؟]")


def analyze(text: str, lang_hint: str | None = None) -> Scores:
    lang = detect_language(text, lang_hint)
    sentiment = scorer_for(lang).score(text, lang)
    return Scores(
        lang=lang,
        normalized=fold(text),
        sentiment=sentiment,
        is_question=bool(_QUESTION.search(text)),
    )
