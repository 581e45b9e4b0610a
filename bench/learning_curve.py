"""Learning curve: how much the team's model adds as verdicts accumulate.

    python bench/learning_curve.py [--set en_airline] [--eval ../shared/eval]

Replays a labeled set's labels as if they were the team's verdicts (read at bench time only; nothing
is kept): the model is trained on the first N, and both the rules alone and the rules with the model
(the model decides where it is confident, beyond 0.99, as the default pack's learned rules do, and
only when cross-validation on those N verdicts shows it agrees with them more than the rules do) are scored on a fixed held-out part. Prints F1 of the complaint class for each N.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.config import load_settings  # noqa: E402
from rules.learning import CONFIDENT, cross_validate, train  # noqa: E402


def f1(pairs) -> float:
    tp = sum(1 for y, p in pairs if y and p)
    fp = sum(1 for y, p in pairs if p and not y)
    fn = sum(1 for y, p in pairs if y and not p)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="en_airline")
    ap.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--test", type=int, default=2000)
    args = ap.parse_args()
    sys.path.insert(0, args.eval)
    import score   # the evaluation's own loader; its data stays where it is
    data = list(score.SETS[args.set](args.eval))
    random.Random(7).shuffle(data)
    test, pool = data[: args.test], data[args.test:]
    ruleset = load_settings(ROOT / "settings.yaml", check_examples=False).ruleset
    rules = [ruleset.classify_text(t).complaint for t, _ in test]
    print(f"{args.set}: held-out {len(test)}; rules alone F1 {f1(list(zip([y for _, y in test], rules))):.3f}")
    for n in (50, 100, 200, 500, 1000, 2000, 4000):
        if n > len(pool):
            break
        model = train(pool[:n])
        # As the daemon does: the model is used only if cross-validation on these verdicts says it helps.
        report = cross_validate(pool[:n], lambda text: ruleset.classify_text(text).complaint)
        enabled = model.ready and report["with_model_agreement"] > report["rules_agreement"]
        combined = []
        for (text, _), by_rules in zip(test, rules):
            p = model.predict_proba(text) if enabled else 0.5
            combined.append(True if p >= CONFIDENT else False if p <= 1 - CONFIDENT else by_rules)
        print(f"  {n:5d} team verdicts: model {'used' if enabled else 'not used'}, "
              f"F1 {f1(list(zip([y for _, y in test], combined))):.3f}")


if __name__ == "__main__":
    main()
