"""The team's model in the daemon: trained from the store's verdicts, in its own thread, failures
contained, read by the default rules exactly as it was trained."""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from pathlib import Path

from monitor.clock import FakeClock
from monitor.config import load_settings
from monitor.learner import Learner, example
from monitor.models import Mention, Verdict
from monitor.pipeline import Pipeline
from monitor.queue import act, mark_missed
from monitor.store import Store
from rules.learning import Model
from tests.rules.test_learning import NOISE, PAIRS, T0, _store_with_verdicts

ROOT = Path(__file__).resolve().parents[2]
RULESET = load_settings(ROOT / "settings.yaml", check_examples=False).ruleset


def _alert_rules(store: Store, native_id: str) -> list[str] | None:
    rows = store.rows("SELECT a.rules FROM alerts a JOIN mentions m ON m.id = a.mention_id WHERE m.native_id = ?",
                      (native_id,))
    return json.loads(rows[0]["rules"]) if rows else None


def _post(store: Store, native_id: str, text: str, lang: str | None = None) -> None:
    store.save_poll("feed", [Mention(source="feed", native_id=native_id, text=text, lang=lang, published_at=T0)],
                    None, {}, T0, T0)


def test_team_verdicts_train_the_pipeline_model_which_then_decides(tmp_path):
    store = Store(tmp_path / "l.db")
    store.ensure_source("feed", "rss")
    pipeline = Pipeline(store, RULESET, [], FakeClock(T0))
    store.save_poll("feed", [Mention(source="feed", native_id=str(i), text=t, published_at=T0)
                             for i, (t, _) in enumerate(PAIRS)], None, {}, T0, T0)
    pipeline.drain()
    for row in store.rows("SELECT id, native_id FROM mentions"):
        if int(row["native_id"]) < 25:
            mark_missed(store, row["id"], "sara", T0)
        else:
            store.team_verdict(row["id"], False, "sara", T0)
    assert pipeline.learner.due()
    pipeline.learner.retrain(RULESET)
    assert pipeline.learner.enabled and not pipeline.learner.due()
    _post(store, "new", "the app logs me out on the login screen every time")
    assert _alert_rules(store, "new") is None
    pipeline.drain()
    assert _alert_rules(store, "new") == ["team-says-complaint"], "the rules alone miss it; the team's model does not"
    [alert] = store.rows("SELECT a.explanation FROM alerts a JOIN mentions m ON m.id = a.mention_id "
                         "WHERE m.native_id = 'new'")
    assert "learned=0." in alert["explanation"] and Learner(store, FakeClock(T0)).enabled, "kept in the store"


def test_the_model_reads_a_mention_as_it_learned_from_one(tmp_path):
    """Training reads the stored mention whole (language hint included) with the rules alone; judging a
    new mention must hand the model the very same readings."""
    store = _store_with_verdicts(tmp_path / "s.db", PAIRS)
    pipeline = Pipeline(store, RULESET, [], FakeClock(T0))
    pipeline.learner.retrain(RULESET)
    seen = []
    model = pipeline.learner.model
    model.leaning = lambda text, dense: seen.append(dense) or 0.6
    mention = Mention(source="feed", native_id="x", text="@shop_ir سفارشم هنوز نرسیده", lang="fa", published_at=T0)
    pipeline.judge(mention)
    assert seen == [example(RULESET, mention, True).dense]


def test_a_threat_to_leave_reaches_a_person_whatever_the_model_says(tmp_path):
    store = Store(tmp_path / "t.db")
    store.ensure_source("feed", "rss")
    pipeline = Pipeline(store, RULESET, [], FakeClock(T0))
    # A model that calls everything "not a complaint", switched on.
    pipeline.learner.model = Model(vocab={"words": {"x": (1.0, 0.0)}}, reading_weights=[0.0] * 5, intercept=-10.0,
                                   docs={"0": 50, "1": 50})
    pipeline.learner.enabled = True
    _post(store, "churn", "@acme never again, I'm switching to another bank, this is awful")
    _post(store, "plain", "@acme terrible service, so disappointing")
    pipeline.drain()
    assert _alert_rules(store, "churn") == ["threat-to-leave"]
    assert _alert_rules(store, "plain") is None
    [row] = store.rows("SELECT verdict FROM mentions WHERE native_id = 'plain'")
    assert json.loads(row["verdict"])["rules"] == ["team-says-not-a-complaint"]


def test_a_model_of_the_old_format_is_trained_again(tmp_path):
    store = _store_with_verdicts(tmp_path / "old.db", PAIRS)
    store.save_model("team", json.dumps({"model": {"counts": {"0": {}, "1": {}}, "docs": {"0": 30, "1": 30}},
                                         "enabled": True, "report": {}}), 50, T0)
    learner = Learner(store, FakeClock(T0))
    assert learner.model is None and not learner.enabled and learner.due()
    learner.retrain(RULESET)
    assert learner.enabled and Learner(store, FakeClock(T0)).model.ready


async def test_the_daemon_trains_in_its_own_thread_while_mentions_keep_being_judged(tmp_path, monkeypatch):
    store = _store_with_verdicts(tmp_path / "d.db", PAIRS)
    pipeline = Pipeline(store, RULESET, [], FakeClock(T0))
    pipeline.drain()
    release, threads = threading.Event(), []
    real_fit = Learner._fit

    def slow_fit(ruleset, pairs):
        threads.append(threading.current_thread().name)
        release.wait(20)
        return real_fit(ruleset, pairs)

    monkeypatch.setattr(Learner, "_fit", staticmethod(slow_fit))
    stop = asyncio.Event()
    runner = asyncio.create_task(pipeline.run_forever(stop, idle=0.05))
    for _ in range(100):
        await asyncio.sleep(0.05)
        if pipeline.learner.training:
            break
    assert pipeline.learner.training and threads == ["learning"]
    _post(store, "during", "@acme my order never arrived and support does not answer")
    pipeline.wakeup.set()
    for _ in range(100):
        await asyncio.sleep(0.05)
        if _alert_rules(store, "during"):
            break
    assert _alert_rules(store, "during") == ["service-failure"] and pipeline.learner.training, \
        "judged while the model was still training"
    release.set()
    for _ in range(200):
        await asyncio.sleep(0.05)
        if not pipeline.learner.training:
            break
    assert pipeline.learner.enabled and pipeline.learner.trained_on == 50
    stop.set()
    await runner


async def test_a_training_that_fails_is_logged_and_the_model_in_use_stays(tmp_path, monkeypatch, caplog):
    store = _store_with_verdicts(tmp_path / "f.db", PAIRS)
    learner = Learner(store, FakeClock(T0))
    learner.retrain(RULESET)
    model = learner.model
    more = [(t + " again", False) for t in NOISE[:10]]
    for i, (text, label) in enumerate(more):
        _post(store, f"more{i}", text)
    for row in store.rows("SELECT id FROM mentions WHERE native_id LIKE 'more%'"):
        store.team_verdict(row["id"], False, "sara", T0)

    def broken(ruleset, pairs):
        raise RuntimeError("empty vocabulary")

    monkeypatch.setattr(Learner, "_fit", staticmethod(broken))
    with caplog.at_level(logging.ERROR, logger="monitor.learning"):
        assert not await learner.retrain_if_due(RULESET)
    assert "model.training_failed examples=60" in caplog.text
    assert learner.model is model and learner.enabled and not learner.training
    assert not learner.due(), "tried again only once more verdicts come in"


def test_answering_or_dismissing_an_alert_is_a_team_verdict(tmp_path):
    store = Store(tmp_path / "v.db")
    store.ensure_source("feed", "rss")
    store.save_poll("feed", [Mention(source="feed", native_id=str(i), text=f"t{i}", published_at=T0) for i in range(2)],
                    None, {}, T0, T0)
    ids = [store.save_verdict(m, Verdict(complaint=True), T0, []) for m in store.unprocessed()]
    act(store, ids[0], "dismiss", "sara", T0)
    act(store, ids[1], "respond", "auto:acme", T0)
    assert [(m.text, label) for m, label in store.team_examples()] == [("t0", False)], \
        "automatic moves are not the team's judgement"
