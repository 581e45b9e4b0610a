"""Everything the rules read about a text, computed once per mention: language, normal form, scores."""
from __future__ import annotations

import re

from monitor.models import Scores
from rules.complaint import complaint_score, cue_labels
from rules.language import detect_language
from rules.normalize import fold
from rules.sentiment import hits_for, scorer_for

_QUESTION = re.compile(r"[?؟]")
_ADDRESSED = re.compile(r"(?<![\w@])@\w")


def analyze(text: str, lang_hint: str | None = None) -> Scores:
    lang = detect_language(text, lang_hint)
    folded = fold(text)
    hits = hits_for(folded, lang)
    sentiment = scorer_for(lang).score(text, lang, hits)
    cues = hits.cues if hits else {}
    is_question = bool(_QUESTION.search(text))
    return Scores(
        lang=lang,
        normalized=folded,
        sentiment=sentiment,
        complaint=complaint_score(sentiment.polarity, cues, is_question),
        cues=cue_labels(cues),
        is_question=is_question,
        addressed=bool(_ADDRESSED.search(text)),
    )
