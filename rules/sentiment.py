"""Sentiment scorers behind one interface: score(text, lang) -> Sentiment.

English: TextBlob's polarity, blended with the project's English lexicon for the complaint words
TextBlob's general-purpose lexicon misses ("delayed", "on hold", "refund"); when VADER's lexicon
(rules/valence.py) reads the text as more negative than that, its reading wins, because both
lexicons miss different parts of a complaint's vocabulary and a missed complaint costs more than a
second look. Persian and Arabic: the project's own lexicons with negation and intensifiers.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager


@contextmanager
def _hidden(*packages: str):
    """Make `packages` look uninstalled for the imports inside. nltk, which TextBlob loads, imports
    scipy.stats and scikit-learn whenever they are installed, for features TextBlob's sentiment never
    uses: 0.7 s more start-up and 88 MB more memory in every process (measured), where scikit-learn is
    here only to train the team's model (rules/training.py), which imports it for itself."""
    saved = {name: sys.modules[name] for name in packages if name in sys.modules}
    sys.modules.update(dict.fromkeys(packages))     # None in sys.modules: "import x" raises ImportError
    try:
        yield
    finally:
        for name in packages:
            if name in saved:
                sys.modules[name] = saved[name]
            else:
                sys.modules.pop(name, None)


# TextBlob's English analyser itself (the PatternAnalyzer behind TextBlob(text).sentiment), called
# directly: the same numbers without building a TextBlob and a namedtuple class for every text.
with _hidden("scipy", "sklearn"):
    from textblob.en import sentiment as pattern_sentiment

from monitor.models import Sentiment  # noqa: E402
from rules.lexicon import Hits, lexicon_for  # noqa: E402
from rules.valence import reading  # noqa: E402


def lexicon_polarity(hits: Hits) -> float:
    total = hits.positive + hits.negative
    return (hits.positive - hits.negative) / (total + 2.0) if total else 0.0


class TextBlobScorer:
    def score(self, text: str, lang: str, hits: Hits | None = None) -> Sentiment:
        polarity, subjectivity = pattern_sentiment(text)
        evidence = []
        if hits and (hits.positive or hits.negative):
            polarity = 0.5 * polarity + 0.5 * lexicon_polarity(hits)
            evidence = list(hits.evidence)
        vader, words = reading(text)
        if vader < min(0.0, polarity):
            # Only a negative reading wins: a text VADER has no word for (0) keeps its own polarity.
            polarity = vader
            evidence.append(f"VADER lexicon {vader:+.2f}: " + ", ".join(map(repr, dict.fromkeys(words))))
        return Sentiment(float(polarity), float(subjectivity), evidence)


class LexiconScorer:
    def score(self, text: str, lang: str, hits: Hits | None = None) -> Sentiment:
        if hits is None:
            return Sentiment(0.0, 0.0, [f"no sentiment lexicon for {lang}"])
        subjectivity = min(1.0, (hits.positive + hits.negative) / 4.0)
        return Sentiment(lexicon_polarity(hits), subjectivity, hits.evidence)


_TEXTBLOB = TextBlobScorer()
_LEXICON = LexiconScorer()


def scorer_for(lang: str):
    return _TEXTBLOB if lang == "en" else _LEXICON


def hits_for(folded: str, lang: str) -> Hits | None:
    lexicon = lexicon_for(lang)
    return lexicon.scan(folded) if lexicon else None
