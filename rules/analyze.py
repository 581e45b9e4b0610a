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
_OTHER = {"fa": "ar", "ar": "fa"}


def _weight(hits) -> float:
    return 0.0 if hits is None else hits.positive + hits.negative + sum(map(len, hits.cues.values()))


def analyze(text: str, lang_hint: str | None = None) -> Scores:
    lang, sure = identify(text, lang_hint)
    folded = fold(text)
    hits = hits_for(folded, lang)
    if not sure and lang in _OTHER:
        # Arabic script that names neither language: when its lexicon finds nothing in it, try the
        # other one (a Persian complaint typed on an Arabic keyboard is still Persian). Only then,
        # so the larger lexicon does not win texts merely for being larger.
        other = hits_for(folded, _OTHER[lang])
        if other is not None and _weight(other) > 0 == _weight(hits):
            lang, hits = _OTHER[lang], other
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
