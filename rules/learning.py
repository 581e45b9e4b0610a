"""Learning from the team: a logistic regression over this deployment's verdicts, stacked on the rules.

What the model reads of a text:
- its normalised words and word pairs, and the letter sequences inside its words (2 to 5 letters, so
  نیومد / نیامد / ما وصلني / ماوصلني share pieces across spellings no lexicon lists), tf-idf weighted;
- what the rules already say of it: their verdict, polarity, subjectivity, complaint score and cue count.
Stacking on the rules means a few hundred verdicts teach the model where this team disagrees with the
rules, rather than a whole language from scratch.

Training (rules/training.py) uses scikit-learn. This module only reads the trained weights, kept as
plain JSON in the store (no pickle: a store file never runs code), so judging a mention needs no numpy.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from monitor.models import Scores
from rules.normalize import fold

VERSION = 2             # the stored body's format; a store holding an older one is retrained
MIN_EXAMPLES = 20       # fewer verdicts than this of either kind and the model stays silent
READING_SCALE = 3.0     # a handful of dense readings next to thousands of sparse n-grams under one penalty

_TOKEN = re.compile(r"\w+|[^\w\s]")    # words, and each emoji or punctuation mark on its own
_WORD = re.compile(r"\w+")


def word_grams(folded: str) -> list[str]:
    tokens = _TOKEN.findall(folded)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def char_grams(folded: str) -> list[str]:
    grams = []
    for word in _WORD.findall(folded):
        padded = f" {word} "
        for n in range(2, 6):
            grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


ANALYZERS = {"words": word_grams, "chars": char_grams}


def readings(scores: Scores, by_rules: bool) -> list[float]:
    """The rules' view of a text, as the model's dense features."""
    values = [float(by_rules), scores.sentiment.polarity, scores.sentiment.subjectivity, scores.complaint,
              min(len(scores.cues), 3) / 3]
    return [READING_SCALE * v for v in values]


class Example(NamedTuple):
    """One verdict of the team's, with what the rules said of the mention when it was judged alone."""
    text: str
    by_rules: bool
    dense: list[float]       # readings(scores, by_rules)
    label: bool


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass
class Model:
    """Weights of a trained model. `vocab[part][term] = (idf, weight)` for each analyzer's part."""
    vocab: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    reading_weights: list[float] = field(default_factory=list)
    intercept: float = 0.0
    threshold: float = 0.5            # the probability beyond which it calls a text a complaint
    docs: dict[str, int] = field(default_factory=lambda: {"0": 0, "1": 0})

    @property
    def ready(self) -> bool:
        return bool(self.vocab) and min(self.docs.values()) >= MIN_EXAMPLES

    def _logit(self, text: str, dense: list[float]) -> float:
        folded = fold(text)
        z = self.intercept + sum(w * x for w, x in zip(self.reading_weights, dense))
        for part, analyzer in ANALYZERS.items():
            # tf-idf as scikit-learn computes it (sublinear tf, each part normalised to unit length)
            vocab = self.vocab.get(part, {})
            counts = Counter(g for g in analyzer(folded) if g in vocab)
            values = {g: (1.0 + math.log(n)) * vocab[g][0] for g, n in counts.items()}
            norm = math.sqrt(sum(v * v for v in values.values()))
            if norm:
                z += sum(v * vocab[g][1] for g, v in values.items()) / norm
        return z

    def probability(self, text: str, dense: list[float]) -> float:
        """P(complaint | text) as the regression estimates it."""
        return _sigmoid(self._logit(text, dense))

    def leaning(self, text: str, dense: list[float]) -> float:
        """The probability moved so that the model's own boundary (`threshold`) sits at 0.5: what rules
        read as `learned`, so 'learned ≥ 0.5' means 'the team's model says complaint'."""
        shift = math.log(self.threshold / (1.0 - self.threshold))
        return _sigmoid(self._logit(text, dense) - shift)

    def to_json(self) -> dict:
        return {"version": VERSION, "vocab": {p: {t: list(v) for t, v in terms.items()} for p, terms in self.vocab.items()},
                "reading_weights": self.reading_weights, "intercept": self.intercept,
                "threshold": self.threshold, "docs": self.docs}

    @classmethod
    def from_json(cls, data: dict) -> "Model | None":
        """None for a body of an older format (the naive Bayes of version 1): it is retrained."""
        if data.get("version") != VERSION:
            return None
        return cls(vocab={p: {t: (v[0], v[1]) for t, v in terms.items()} for p, terms in data["vocab"].items()},
                   reading_weights=list(data["reading_weights"]), intercept=float(data["intercept"]),
                   threshold=float(data["threshold"]), docs=dict(data["docs"]))
