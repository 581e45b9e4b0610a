"""How far words can go on a labeled set: a model trained on the set's own labels, cross-validated.

    python bench/detection_ceiling.py [--sets fa_sentipers ar_restaurants] [--eval ../shared/eval]

The product may not learn from the evaluation sets (they are for measuring only), so this is not a
detector: it measures what a bag-of-words learner can find in a set's labels at all, to tell a target
that better rules could reach from one the labels themselves put out of reach. Two models, five folds:
- words: tf-idf over word 1-2-grams and letter 2-5-grams inside words, logistic regression, classes
  balanced, F1 at the regression's own boundary and at the best of a few thresholds;
- words + rules: the same plus the default rule pack's readings (rules/learning.readings), with the
  threshold picked on the answers, so an optimistic figure.
Nothing is kept: the data is read at bench time and every model is thrown away.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.config import load_settings  # noqa: E402
from rules.analyze import analyze  # noqa: E402
from rules.learning import ANALYZERS, readings  # noqa: E402
from rules.normalize import fold  # noqa: E402
from rules.training import f1  # noqa: E402

THRESHOLDS = np.arange(0.2, 0.85, 0.05)


def cross_validated(texts: list[str], labels: np.ndarray, dense: np.ndarray | None) -> np.ndarray:
    out = np.zeros(len(texts))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels):
        vecs = [TfidfVectorizer(analyzer=a, min_df=2, sublinear_tf=True) for a in ANALYZERS.values()]
        fit = [v.fit_transform([texts[i] for i in train]) for v in vecs]
        held = [v.transform([texts[i] for i in test]) for v in vecs]
        if dense is not None:
            fit, held = fit + [sp.csr_matrix(dense[train])], held + [sp.csr_matrix(dense[test])]
        model = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
        model.fit(sp.hstack(fit).tocsr(), labels[train])
        out[test] = model.predict_proba(sp.hstack(held).tocsr())[:, 1]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", nargs="*", default=["fa_sentipers", "ar_restaurants"])
    ap.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"))
    args = ap.parse_args()
    sys.path.insert(0, args.eval)
    import score   # the evaluation's own loader; its data stays where it is
    ruleset = load_settings(ROOT / "settings.yaml", check_examples=False).ruleset
    for name in args.sets:
        data = list(score.SETS[name](args.eval))
        texts = [fold(t) for t, _ in data]
        labels = np.array([bool(y) for _, y in data])
        by_rules = np.array([ruleset.classify_text(t).complaint for t, _ in data])
        dense = np.array([readings(analyze(t), r) for (t, _), r in zip(data, by_rules)])
        words = cross_validated(texts, labels, None)
        both = cross_validated(texts, labels, dense)
        best = max(f1(labels, words >= t) for t in THRESHOLDS)
        print(f"{name}: n={len(data)}  rules {f1(labels, by_rules):.3f} | words {f1(labels, words >= 0.5):.3f} "
              f"(best threshold {best:.3f}) | words + rules, best threshold "
              f"{max(f1(labels, both >= t) for t in THRESHOLDS):.3f}")


if __name__ == "__main__":
    main()
