"""Pipeline throughput: mentions per second through normalise -> score -> rules -> store -> queue,
against the bare scoring loop (analyze only) on the same texts in the same run.

    python bench/pipeline_bench.py [--n 5000] [--team-model]

Texts are generated here from a few templates in English, Persian and Arabic (no evaluation data).
With --team-model, a team's model is first trained on 400 verdicts about other texts of the same
templates and switched on (whether or not it beats the rules there), to measure what reading every
mention with it costs.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.clock import SystemClock  # noqa: E402
from monitor.config import load_settings  # noqa: E402
from monitor.models import Author, Mention  # noqa: E402
from monitor.noise.gate import NoiseGate  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from monitor.store import Store  # noqa: E402
from rules.analyze import analyze  # noqa: E402

TEMPLATES = [
    "@acme order {n} still hasn't arrived after {d} days, nobody answers",
    "Thanks acme, order {n} came early and the kettle is lovely",
    "Does acme ship to {city}? Thinking of ordering",
    "acme charged me twice for order {n}, I want a refund",
    "سفارش {n} از آکمه بعد از {d} روز هنوز نرسیده",
    "از آکمه خیلی راضی بودم، ارسال سریع بود",
    "طلبي رقم {n} من أكمي لم يصل بعد {d} أيام",
    "شكرا أكمي على الخدمة الممتازة",
]
CITIES = ["Tehran", "Dubai", "Cairo", "Leeds", "Shiraz"]


def texts(n: int) -> list[str]:
    rng = random.Random(1)
    return [rng.choice(TEMPLATES).format(n=i, d=rng.randint(2, 30), city=rng.choice(CITIES)) for i in range(n)]


def train_on(store: Store, pipeline: Pipeline, now: datetime) -> None:
    complaint_templates = {0, 3, 4, 6}
    rng = random.Random(2)
    picks = [rng.randrange(len(TEMPLATES)) for _ in range(400)]
    store.save_poll("bench", [Mention(source="bench", native_id=f"t{i}", published_at=now,
                                      text=TEMPLATES[k].format(n=10_000 + i, d=3, city="Tehran"))
                              for i, k in enumerate(picks)], None, {}, now, now)
    pipeline.drain()
    for row, k in zip(store.rows("SELECT id FROM mentions ORDER BY id"), picks):
        store.team_verdict(row["id"], k in complaint_templates, "bench", now)
    started = time.perf_counter()
    pipeline.learner.retrain()
    pipeline.learner.enabled = True      # on whatever its cross-validation said: its cost is measured
    print(f"team model trained on 400 verdicts in {time.perf_counter() - started:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--team-model", action="store_true")
    args = ap.parse_args()
    sample = texts(args.n)
    root = Path(__file__).resolve().parents[1]
    config = load_settings(root / "settings.yaml", check_examples=False)

    # Lexicons are compiled on first use (a one-time start-up cost, printed on its own): warm them
    # so both loops below measure steady-state work.
    start = time.perf_counter()
    for text in sample[:50]:
        analyze(text)
    warm = time.perf_counter() - start

    start = time.perf_counter()
    for text in sample:
        analyze(text)
    bare = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        store.ensure_source("bench", "rss")
        now = datetime.now(timezone.utc)
        mentions = [Mention(source="bench", native_id=str(i), text=t, published_at=now, author=Author(handle=f"u{i % 300}"))
                    for i, t in enumerate(sample)]
        pipeline = Pipeline(store, config.ruleset, ["console"], SystemClock())
        store.gate = NoiseGate()   # as in the daemon: realert limits and silences checked per alert
        if args.team_model:
            train_on(store, pipeline, now)
        before = store.rows("SELECT COUNT(*) n FROM alerts")[0]["n"]
        start = time.perf_counter()
        for i in range(0, len(mentions), 100):   # as the scheduler would hand them over, a poll at a time
            store.save_poll("bench", mentions[i:i + 100], {"i": i}, {}, now, now)
        pipeline.drain()
        full = time.perf_counter() - start
        alerts = store.rows("SELECT COUNT(*) n FROM alerts")[0]["n"] - before
        size = (Path(tmp) / "bench.db").stat().st_size
    print(f"texts: {args.n}")
    print(f"lexicons loaded and compiled in:   {warm:8.2f} s (once, at start-up)")
    print(f"bare scoring (analyze):            {args.n / bare:8.0f} texts/s")
    print(f"full pipeline (store+rules+queue): {args.n / full:8.0f} mentions/s  ({alerts} alerts)")
    print(f"ratio full/bare:                   {bare / full:8.2f}")
    print(f"database size:                     {size / 1e6:8.1f} MB")


if __name__ == "__main__":
    main()
