"""The team's model: what it learns, how its stored weights read a text, how it is measured."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from monitor.clock import FakeClock
from monitor.learner import Learner
from monitor.models import Mention
from monitor.store import Store
from rules import training
from rules.analyze import analyze
from rules.learning import Example, Model, readings
from rules.normalize import fold
from rules.training import fit, helps

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
# A team whose customers complain about "the app logs me out" (words no lexicon knows) and who keep
# dismissing posts about the brand's sponsorship of a football club.
COMPLAINTS = [f"the app logs me out again on screen {i}" for i in range(25)]
NOISE = [f"great goal by the acme sponsored club in match {i}" if i % 2 else
         f"the acme sponsored club plays match {i} tonight" for i in range(25)]
PAIRS = [(t, True) for t in COMPLAINTS] + [(t, False) for t in NOISE]


def examples_of(pairs, by_rules=lambda text: False) -> list[Example]:
    return [Example(t, by_rules(t), readings(analyze(t), by_rules(t)), y) for t, y in pairs]


def leaning(model, text, by_rules=False):
    return model.leaning(text, readings(analyze(text), by_rules))


def test_the_model_learns_what_the_team_means():
    model, _ = fit(examples_of(PAIRS))
    assert model.ready
    assert leaning(model, "the app logs me out every morning") > 0.5
    assert leaning(model, "what a goal for the sponsored club in that match") < 0.5
    again = Model.from_json(json.loads(json.dumps(model.to_json())))
    assert leaning(again, "logs me out") == leaning(model, "logs me out")


def test_the_stored_weights_read_a_text_as_scikit_learn_does():
    """The daemon reads new texts with the exported weights in plain Python; they must give the very
    probability the trained scikit-learn model gives, or the cross-validated figures mean nothing."""
    texts = [fold(t) for t, _ in PAIRS]
    dense = np.array([readings(analyze(t), False) for t, _ in PAIRS])
    labels = np.array([y for _, y in PAIRS])
    vectorizers, regression = training._fit(texts, dense, labels)
    model = training._export(vectorizers, regression, 0.5, {"0": 25, "1": 25})
    new = ["@acme the app logs me out!! again 😡", "ورود به اپ نمیشه، هی بیرونم میکنه", "great match"]
    new_dense = np.array([readings(analyze(t), True) for t in new])
    expected = training._predict(vectorizers, regression, [fold(t) for t in new], new_dense)
    for text, dense_row, want in zip(new, new_dense, expected):
        assert model.probability(text, list(dense_row)) == pytest.approx(want, abs=1e-9)


def test_learned_reads_one_half_at_the_threshold_cross_validation_picked():
    model, _ = fit(examples_of(PAIRS))
    text = "the app logs me out"
    dense = readings(analyze(text), False)
    p = model.probability(text, dense)
    model.threshold = p + 0.1
    assert model.leaning(text, dense) < 0.5
    model.threshold = p - 0.1
    assert model.leaning(text, dense) > 0.5
    model.threshold = p
    assert model.leaning(text, dense) == pytest.approx(0.5)


def test_too_few_verdicts_leave_the_model_silent():
    for examples in ([], examples_of([("one", True)]), examples_of(PAIRS[:30])):   # none; one; 25 and 5
        model, report = fit(examples)
        assert not model.ready and report["folds"] == 0 and not helps(report)


def test_cross_validation_compares_the_model_with_the_rules():
    report = fit(examples_of(PAIRS))[1]
    assert report["rules_agreement"] == 0.5 and report["rules_f1"] == 0.0
    assert report["with_model_agreement"] > 0.9 and report["with_model_f1"] > 0.9
    assert helps(report)
    agreeing = fit(examples_of(PAIRS, by_rules=lambda text: text in COMPLAINTS))[1]
    assert agreeing["rules_f1"] == 1.0 and not helps(agreeing), "rules that already agree need no model"


def _store_with_verdicts(path: Path, pairs) -> Store:
    store = Store(path)
    store.ensure_source("feed", "rss")
    store.save_poll("feed", [Mention(source="feed", native_id=str(i), text=t, published_at=T0)
                             for i, (t, _) in enumerate(pairs)], None, {}, T0, T0)
    for row, (_, label) in zip(store.rows("SELECT id FROM mentions ORDER BY id"), pairs):
        store.team_verdict(row["id"], label, "sara", T0)
    return store


def _learn(db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), "rules", "learn", "--report", "--db", str(db),
                           "--config", str(ROOT / "settings.yaml")], capture_output=True, text=True, timeout=120)


def test_rules_learn_report_trains_from_the_store_and_prints_the_comparison(tmp_path):
    _store_with_verdicts(tmp_path / "cli.db", PAIRS)
    out = _learn(tmp_path / "cli.db")
    assert out.returncode == 0, out.stderr
    first, report = out.stdout.splitlines()[:2]
    assert first == "trained on 50 team verdicts (25 complaints, 25 not); in use"
    report = json.loads(report)
    assert report["examples"] == 50 and report["with_model_f1"] > report["rules_f1"]
    assert Learner(Store(tmp_path / "cli.db"), FakeClock(T0)).enabled, "the trained model is kept for the daemon"


def test_rules_learn_on_a_store_without_verdicts_says_so(tmp_path):
    Store(tmp_path / "empty.db")
    out = _learn(tmp_path / "empty.db")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("trained on 0 team verdicts (0 complaints, 0 not); not in use")


def test_only_training_loads_scikit_learn():
    """nltk (under TextBlob) would import scipy and scikit-learn whenever they are installed: 0.7 s
    and 88 MB more in every process. `run.py check` (which judges every rule example) stays without
    them; training the team's model still finds them."""
    code = (
        "import runpy, sys\n"
        "sys.argv = ['run.py', 'check', '--config', 'settings.yaml']\n"
        "try:\n    runpy.run_path('run.py', run_name='__main__')\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "assert 'rules.sentiment' in sys.modules\n"
        "print(sorted(m for m in ('scipy', 'sklearn') if m in sys.modules))\n"
        "from rules.training import fit\n"
        "print(sorted(m for m in ('scipy', 'sklearn') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-2:] == ["[]", "['scipy', 'sklearn']"]
