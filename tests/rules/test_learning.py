"""Learning from the team's verdicts: the model, its use in rules, retraining from the store."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from monitor.clock import FakeClock
from monitor.config import load_settings
from monitor.learner import Learner
from monitor.models import Mention
from monitor.pipeline import Pipeline
from monitor.queue import act, mark_missed
from monitor.store import Store
from rules.learning import Model, cross_validate, train

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
# A team whose customers complain about "the app logs me out" (words no lexicon knows) and who keep
# dismissing posts about the brand's sponsorship of a football club.
COMPLAINTS = [f"the app logs me out again on screen {i}" for i in range(25)]
NOISE = [f"great goal by the acme sponsored club in match {i}" for i in range(25)]


def test_the_model_learns_what_the_team_means():
    model = train([(t, True) for t in COMPLAINTS] + [(t, False) for t in NOISE])
    assert model.ready
    assert model.predict_proba("the app logs me out every morning") > 0.9
    assert model.predict_proba("what a match for the sponsored club") < 0.1
    again = Model.from_json(model.to_json())
    assert again.predict_proba("logs me out") == model.predict_proba("logs me out")


def test_an_untrained_model_stays_silent():
    assert not train([("one", True)]).ready


def test_cross_validation_reports_agreement_with_and_without_the_model():
    examples = [(t, True) for t in COMPLAINTS] + [(t, False) for t in NOISE]
    report = cross_validate(examples, baseline=lambda text: False)
    assert report["rules_agreement"] == 0.5 and report["with_model_agreement"] > 0.9


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
    store.save_poll("feed", [Mention(source="feed", native_id="new", published_at=T0,
                                     text="@acme the app logs me out again, third time today")], None, {}, T0, T0)
    pipeline.drain()
    [alert] = store.rows("SELECT a.* FROM alerts a JOIN mentions m ON m.id = a.mention_id WHERE m.native_id = 'new'")
    assert "team-says-complaint" in alert["rules"] or "learned" in alert["explanation"]
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
