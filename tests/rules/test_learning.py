"""Learning from the team's verdicts: the model, its use in rules, retraining from the store."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from monitor.clock import FakeClock
from monitor.config import load_settings
from monitor.learner import Learner
from monitor.models import Mention
from monitor.pipeline import Pipeline
from monitor.queue import act, mark_missed
from monitor.store import Store
from rules import training
from rules.analyze import analyze
from rules.learning import Model, readings
from rules.normalize import fold
from rules.training import fit, helps

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
# A team whose customers complain about "the app logs me out" (words no lexicon knows) and who keep
# dismissing posts about the brand's sponsorship of a football club.
COMPLAINTS = [f"the app logs me out again on screen {i}" for i in range(25)]
NOISE = [f"great goal by the acme sponsored club in match {i}" if i % 2 else
         f"the acme sponsored club plays match {i} tonight" for i in range(25)]


EXAMPLES = [(t, True) for t in COMPLAINTS] + [(t, False) for t in NOISE]


def _leaning(model, text, by_rules=False):
    return model.leaning(text, readings(analyze(text), by_rules))


def test_the_model_learns_what_the_team_means():
    model, report = fit(EXAMPLES, baseline=lambda text: False)
    assert model.ready
    assert _leaning(model, "the app logs me out every morning") > 0.5
    assert _leaning(model, "what a goal for the sponsored club in that match") < 0.5
    again = Model.from_json(json.loads(json.dumps(model.to_json())))
    assert _leaning(again, "logs me out") == _leaning(model, "logs me out")


def test_the_stored_weights_read_a_text_as_scikit_learn_does():
    """The daemon reads new texts with the exported weights in plain Python; they must give the very
    probability the trained scikit-learn model gives, or the cross-validated figures mean nothing."""
    texts = [fold(t) for t, _ in EXAMPLES]
    dense = np.array([readings(analyze(t), False) for t, _ in EXAMPLES])
    labels = np.array([y for _, y in EXAMPLES])
    vectorizers, regression = training._fit(texts, dense, labels)
    model = training._export(vectorizers, regression, 0.5, {"0": 25, "1": 25})
    new = ["@acme the app logs me out!! again 😡", "ورود به اپ نمیشه، هی بیرونم میکنه", "great match"]
    new_dense = np.array([readings(analyze(t), True) for t in new])
    expected = training._predict(vectorizers, regression, [fold(t) for t in new], new_dense)
    for text, dense_row, want in zip(new, new_dense, expected):
        assert model.probability(text, list(dense_row)) == pytest.approx(want, abs=1e-9)


def test_the_threshold_the_team_agrees_with_sits_at_one_half():
    model, _ = fit(EXAMPLES, baseline=lambda text: False)
    model.threshold = 0.3
    text, dense = "the app logs me out", readings(analyze("the app logs me out"), False)
    p = model.probability(text, dense)
    assert (model.leaning(text, dense) >= 0.5) == (p >= 0.3)


def test_an_untrained_model_stays_silent():
    model, report = fit([("one", True)], baseline=lambda text: False)
    assert not model.ready and report["folds"] == 0 and not helps(report)


def test_cross_validation_compares_the_model_with_the_rules():
    report = fit(EXAMPLES, baseline=lambda text: False)[1]
    assert report["rules_agreement"] == 0.5 and report["rules_f1"] == 0.0
    assert report["with_model_agreement"] > 0.9 and report["with_model_f1"] > 0.9
    assert helps(report)
    agreeing = fit(EXAMPLES, baseline=lambda text: text in COMPLAINTS)[1]
    assert agreeing["rules_f1"] == 1.0 and not helps(agreeing), "rules that already agree need no model"


def test_team_verdicts_train_the_pipeline_model_which_then_decides(tmp_path):
    store = Store(tmp_path / "l.db")
    store.ensure_source("feed", "rss")
    config = load_settings(ROOT / "settings.yaml", check_examples=False)
    clock = FakeClock(T0)
    pipeline = Pipeline(store, config.ruleset, [], clock)
    texts = COMPLAINTS + NOISE + ["@acme the app logs me out after the update"]
    store.save_poll("feed", [Mention(source="feed", native_id=str(i), text=t, published_at=T0)
                             for i, t in enumerate(texts)], None, {}, T0, T0)
    pipeline.drain()
    assert not store.rows("SELECT 1 FROM alerts a JOIN mentions m ON m.id = a.mention_id WHERE m.native_id = '50'"), \
        "the rules alone do not see it"
    for row in store.rows("SELECT id, native_id FROM mentions WHERE CAST(native_id AS INTEGER) < 50"):
        if int(row["native_id"]) < 25:
            mark_missed(store, row["id"], "sara", T0)
        else:
            store.team_verdict(row["id"], False, "sara", T0)
    assert pipeline.learner.maybe_retrain() and pipeline.learner.model.ready
    assert pipeline.learner.enabled
    store.save_poll("feed", [Mention(source="feed", native_id="new", published_at=T0,
                                     text="the app logs me out on the login screen every time")], None, {}, T0, T0)
    pipeline.drain()
    [alert] = store.rows("SELECT a.* FROM alerts a JOIN mentions m ON m.id = a.mention_id WHERE m.native_id = 'new'")
    assert json.loads(alert["rules"]) == ["team-says-complaint"], "the rules alone miss it; the team's model does not"
    assert "learned=" in alert["explanation"]
    assert Learner(store, clock).model.ready, "the model is kept in the store"


def test_answering_or_dismissing_an_alert_is_a_team_verdict(tmp_path):
    from monitor.models import Verdict
    store = Store(tmp_path / "v.db")
    store.ensure_source("feed", "rss")
    store.save_poll("feed", [Mention(source="feed", native_id=str(i), text=f"t{i}", published_at=T0) for i in range(2)],
                    None, {}, T0, T0)
    ids = [store.save_verdict(m, Verdict(complaint=True), T0, []) for m in store.unprocessed()]
    act(store, ids[0], "dismiss", "sara", T0)
    act(store, ids[1], "respond", "auto:acme", T0)
    assert store.team_examples() == [("t0", False)], "automatic moves are not the team's judgement"


def test_a_model_of_the_old_format_is_trained_again(tmp_path):
    store = Store(tmp_path / "old.db")
    store.save_model("team", json.dumps({"model": {"counts": {"0": {}, "1": {}}, "docs": {"0": 30, "1": 30}},
                                         "enabled": True, "report": {}}), 60, T0)
    learner = Learner(store, FakeClock(T0))
    assert learner.model is None and not learner.enabled and learner.trained_on == 0


async def test_the_daemon_trains_in_a_worker_thread_and_keeps_the_model(tmp_path):
    store = Store(tmp_path / "t.db")
    store.ensure_source("feed", "rss")
    store.save_poll("feed", [Mention(source="feed", native_id=str(i), text=t, published_at=T0)
                             for i, (t, _) in enumerate(EXAMPLES)], None, {}, T0, T0)
    for row, (_, label) in zip(store.rows("SELECT id FROM mentions ORDER BY id"), EXAMPLES):
        store.team_verdict(row["id"], label, "sara", T0)
    learner = Learner(store, FakeClock(T0), baseline=lambda text: False)
    assert await learner.retrain_if_due() and learner.enabled
    assert not await learner.retrain_if_due(), "nothing new since"
    kept = Learner(store, FakeClock(T0))
    assert kept.enabled and kept.report["with_model_f1"] == learner.report["with_model_f1"]
    assert kept.probability("the app logs me out", analyze("the app logs me out"), False) > 0.5


def test_rules_learn_report_trains_from_the_store_and_prints_the_comparison(tmp_path):
    store = Store(tmp_path / "cli.db")
    store.ensure_source("feed", "rss")
    store.save_poll("feed", [Mention(source="feed", native_id=str(i), text=t, published_at=T0)
                             for i, (t, _) in enumerate(EXAMPLES)], None, {}, T0, T0)
    for row, (_, label) in zip(store.rows("SELECT id FROM mentions ORDER BY id"), EXAMPLES):
        store.team_verdict(row["id"], label, "sara", T0)
    out = subprocess.run([sys.executable, str(ROOT / "run.py"), "rules", "learn", "--report",
                          "--db", str(tmp_path / "cli.db"), "--config", str(ROOT / "settings.yaml")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    first, report = out.stdout.splitlines()[:2]
    assert first == "trained on 50 team verdicts (25 complaints, 25 not); in use"
    report = json.loads(report)
    assert report["examples"] == 50 and report["with_model_f1"] > report["rules_f1"]
    assert Learner(Store(tmp_path / "cli.db"), FakeClock(T0)).enabled, "the trained model is kept for the daemon"


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
