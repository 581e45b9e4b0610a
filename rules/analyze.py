"""Everything the rules read about a text, computed once per mention: language, normal form, scores."""
from __future__ import annotations

import re

from monitor.models import Scores
from rules.complaint import complaint_score, cue_labels
from rules.language import identify
from rules.normalize import fold
from rules.sentiment import hits_for, scorer_for

_QUESTION = re.compile(r"[?؟]")
_ADDRESSED = re.compile(r"(?<![\w@])@\w")


def analyze(text: str, lang_hint: str | None = None) -> Scores:
    lang, sure = identify(text, lang_hint)
    folded = fold(text)
    hits = hits_for(folded, lang)
    if not sure and lang == "ar" and hits is not None and not hits.found:
        # Arabic script that names neither language (identify() then says Arabic, unsure) and in which
        # the Arabic lexicon finds nothing: try the Persian one, since a Persian complaint typed on an
        # Arabic keyboard looks like this. Only then, so the larger lexicon never wins by size.
        persian = hits_for(folded, "fa")
        if persian is not None and persian.found:
            lang, hits = "fa", persian
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
