"""Learning from the team: a small naive Bayes model trained only on this deployment's verdicts.

Verdicts come from people: an alert dismissed as "not a complaint" is a 0, an alert answered or
resolved is a 1, a mention marked as a missed complaint is a 1. Tokens are the normalised words and
word pairs, so Persian and Arabic spellings fold together. The model is plain JSON kept in the store;
rules read its probability through the `learned` condition, and the explanation shows it.
"""
from __future__ import annotations

import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field

from rules.normalize import fold

_WORD = re.compile(r"\w+")
MIN_EXAMPLES = 20          # fewer than this per class and the model stays silent
CONFIDENT = 0.99           # the model overrides the rules only beyond this (or below 1 - this)


def features(text: str) -> list[str]:
    words = _WORD.findall(fold(text))
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:])]


@dataclass
class Model:
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: {"0": {}, "1": {}})
    docs: dict[str, int] = field(default_factory=lambda: {"0": 0, "1": 0})

    @property
    def ready(self) -> bool:
        return min(self.docs.values()) >= MIN_EXAMPLES

    def predict_proba(self, text: str) -> float:
        """P(complaint | text) by multinomial naive Bayes with add-one smoothing."""
        vocab = len(set(self.counts["0"]) | set(self.counts["1"])) or 1
        total_docs = sum(self.docs.values()) or 1
        scores = {}
        for label in ("0", "1"):
            counts = self.counts[label]
            total = sum(counts.values())
            score = math.log((self.docs[label] + 1) / (total_docs + 2))
            for token in features(text):
                score += math.log((counts.get(token, 0) + 1) / (total + vocab))
            scores[label] = score
        top = max(scores.values())
        odds = {k: math.exp(v - top) for k, v in scores.items()}
        return odds["1"] / (odds["0"] + odds["1"])

    def to_json(self) -> dict:
        return {"counts": self.counts, "docs": self.docs}

    @classmethod
    def from_json(cls, data: dict) -> "Model":
        return cls(counts=data["counts"], docs=data["docs"])


def train(examples: list[tuple[str, bool]]) -> Model:
    model = Model()
    for text, label in examples:
        key = "1" if label else "0"
        model.docs[key] += 1
        bucket = Counter(features(text))
        counts = model.counts[key]
        for token, n in bucket.items():
            counts[token] = counts.get(token, 0) + n
    return model


def cross_validate(examples: list[tuple[str, bool]], baseline, folds: int = 5, seed: int = 1) -> dict:
    """Agreement with the team's verdicts, rules alone (`baseline(text) -> bool`) vs rules with the model.

    With the model, its verdict replaces the rules' where it is confident (beyond CONFIDENT)."""
    data = list(examples)
    random.Random(seed).shuffle(data)
    if len(data) < folds * 2:
        return {"examples": len(data), "folds": 0, "rules_agreement": None, "with_model_agreement": None}
    rules_ok = model_ok = 0
    for k in range(folds):
        test = data[k::folds]
        model = train([e for i, e in enumerate(data) if i % folds != k])
        for text, label in test:
            rules = baseline(text)
            p = model.predict_proba(text) if min(model.docs.values()) else 0.5
            combined = True if p >= CONFIDENT else False if p <= 1 - CONFIDENT else rules
            rules_ok += rules == label
            model_ok += combined == label
    n = len(data)
    return {"examples": n, "folds": folds, "rules_agreement": round(rules_ok / n, 3),
            "with_model_agreement": round(model_ok / n, 3)}
