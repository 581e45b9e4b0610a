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
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.config import load_settings  # noqa: E402
from monitor.learner import example  # noqa: E402
from monitor.models import Mention  # noqa: E402
from rules.analyze import analyze  # noqa: E402
from rules.learning import readings  # noqa: E402
from rules.training import f1, fit, helps  # noqa: E402

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def mention(i: int, text: str) -> Mention:
    return Mention(source="bench", native_id=str(i), text=text, published_at=NOW)


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
    # The held-out texts as the pipeline judges them: the rules alone first, then (with a model in
    # use) the rules again with its leaning, so its overrides are exactly the default pack's.
    held = []
    for i, (text, label) in enumerate(test):
        m = mention(i, text)
        scores = analyze(m.text, m.lang)
        by_rules = ruleset.evaluate(m, scores).complaint
        held.append((m, scores, by_rules, label))
    labels = [label for *_, label in held]
    print(f"{args.set}: held-out {len(test)}; rules alone F1 {f1(np.array(labels), np.array([h[2] for h in held])):.3f}")
    verdicts = [example(ruleset, mention(i, text), label) for i, (text, label) in enumerate(pool)]
    for n in (50, 100, 200, 500, 1000, 2000, 4000):
        if n > len(pool):
            break
        started = time.perf_counter()
        model, report = fit(verdicts[:n])
        seconds = time.perf_counter() - started
        enabled = model.ready and helps(report)
        combined = []
        for m, scores, by_rules, _ in held:
            if enabled:
                scores.extra["learned"] = model.leaning(m.text, readings(scores, by_rules))
                combined.append(ruleset.evaluate(m, scores).complaint)
            else:
                combined.append(by_rules)
        print(f"  {n:5d} team verdicts: model {'used' if enabled else 'not used'}, "
              f"F1 {f1(np.array(labels), np.array(combined)):.3f}  (trained in {seconds:.1f} s)")


if __name__ == "__main__":
    main()
