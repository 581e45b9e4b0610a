"""Learning curve: how much the team's model adds as verdicts accumulate.

    python bench/learning_curve.py [--set en_airline] [--eval ../shared/eval]

Replays a labeled set's labels as if they were the team's verdicts (read at bench time only; nothing
is kept): the model is trained on the first N, exactly as the daemon trains it (rules/training.py:
cross-validation on those N picks its threshold and decides whether it is used at all), and both the
rules alone and the rules with the model (as the default pack uses it: its "not a complaint" overrides
the rules, its "complaint" adds to them) are scored on a fixed held-out part no training saw. Prints F1
of the complaint class for each N, and the seconds training took.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.config import load_settings  # noqa: E402
from rules.analyze import analyze  # noqa: E402
from rules.learning import readings  # noqa: E402
from rules.training import fit, helps  # noqa: E402


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
    baseline = lambda text: ruleset.classify_text(text).complaint    # noqa: E731
    dense = [readings(analyze(text), by_rules) for (text, _), by_rules in zip(test, rules)]
    for n in (50, 100, 200, 500, 1000, 2000, 4000):
        if n > len(pool):
            break
        started = time.perf_counter()
        model, report = fit(pool[:n], baseline)
        seconds = time.perf_counter() - started
        enabled = model.ready and helps(report)
        combined = [model.leaning(text, d) >= 0.5 if enabled else by_rules
                    for (text, _), by_rules, d in zip(test, rules, dense)]
        print(f"  {n:5d} team verdicts: model {'used' if enabled else 'not used'}, "
              f"F1 {f1(list(zip([y for _, y in test], combined))):.3f}  (trained in {seconds:.1f} s)")

if __name__ == "__main__":
    main()
