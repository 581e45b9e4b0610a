"""Classify speed: texts per second through the default rule pack, against a bare
`TextBlob(text).sentiment` loop on the same texts in the same run.

    python bench/classify_bench.py [--n 5000]

Texts are generated here from templates (no evaluation data). The ratio is reported for English
(where both sides run TextBlob) and for a mix of English, Persian and Arabic.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textblob import TextBlob  # noqa: E402

from bench.pipeline_bench import texts  # noqa: E402
from monitor.config import load_settings  # noqa: E402


def rate(fn, sample) -> float:
    start = time.perf_counter()
    for text in sample:
        fn(text)
    return len(sample) / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    args = ap.parse_args()
    ruleset = load_settings(Path(__file__).resolve().parents[1] / "settings.yaml", check_examples=False).ruleset
    mixed = texts(args.n)
    english = [t for t in texts(args.n * 3) if t.isascii()][: args.n]
    for name, sample in (("english", english), ("mixed en/fa/ar", mixed)):
        rate(ruleset.classify_text, sample[:200])            # warm caches
        bare = rate(lambda t: TextBlob(t).sentiment, sample)
        full = rate(ruleset.classify_text, sample)
        print(f"{name:15s} n={len(sample):5d}  TextBlob loop {bare:7.0f}/s  classify {full:7.0f}/s  "
              f"ratio {full / bare:4.2f}")


if __name__ == "__main__":
    main()
