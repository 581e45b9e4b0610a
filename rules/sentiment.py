"""Sentiment scorers behind one interface: score(text, lang) -> Sentiment."""
from __future__ import annotations

from textblob import TextBlob

from monitor.models import Sentiment


class TextBlobScorer:
    """English polarity and subjectivity from TextBlob's pattern lexicon."""

    def score(self, text: str, lang: str) -> Sentiment:
        blob = TextBlob(text)
        polarity, subjectivity = blob.sentiment
        return Sentiment(float(polarity), float(subjectivity), [])


class NeutralScorer:
    """For languages with no lexicon yet: neutral, and says so in the evidence."""

    def score(self, text: str, lang: str) -> Sentiment:
        return Sentiment(0.0, 0.0, [f"no sentiment lexicon for {lang}"])


def scorer_for(lang: str):
    return _SCORERS.get(lang, _NEUTRAL)


_NEUTRAL = NeutralScorer()
_SCORERS = {"en": TextBlobScorer()}
