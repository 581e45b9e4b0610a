"""Keeps the team's model current: retrained from the store once enough new verdicts have come in."""
from __future__ import annotations

import json
import logging

from monitor.store import Store
from rules.learning import Model, cross_validate, train

log = logging.getLogger("monitor.learning")

MODEL_NAME = "team"
RETRAIN_EVERY = 10     # new verdicts before the model is trained again


class Learner:
    """`baseline(text) -> bool` is what the rules say without the model: the model is used only where
    cross-validation on the team's own verdicts shows it agrees with the team more than the rules do."""

    def __init__(self, store: Store, clock, baseline=None):
        self.store = store
        self.clock = clock
        self.baseline = baseline
        saved = store.model(MODEL_NAME)
        body = json.loads(saved["body"]) if saved else None
        self.model: Model | None = Model.from_json(body["model"]) if body else None
        self.enabled = bool(body and body.get("enabled"))
        self.report: dict = body.get("report", {}) if body else {}
        self.trained_on = saved["examples"] if saved else 0

    def probability(self, text: str) -> float | None:
        usable = self.model and self.model.ready and self.enabled
        return self.model.predict_proba(text) if usable else None

    def maybe_retrain(self) -> bool:
        count = self.store.rows("SELECT COUNT(*) n FROM team_verdicts")[0]["n"]
        if count - self.trained_on < RETRAIN_EVERY:
            return False
        self.retrain()
        return True

    def retrain(self) -> Model:
        examples = self.store.team_examples()
        self.model = train(examples)
        self.trained_on = len(examples)
        self.report = cross_validate(examples, self.baseline) if self.baseline else {}
        gain = (self.report.get("with_model_agreement") or 0) - (self.report.get("rules_agreement") or 0)
        self.enabled = self.model.ready and (self.baseline is None or gain > 0)
        body = {"model": self.model.to_json(), "enabled": self.enabled, "report": self.report}
        self.store.save_model(MODEL_NAME, json.dumps(body), len(examples), self.clock.now())
        log.info("model.trained examples=%d enabled=%s report=%s", len(examples), self.enabled, self.report)
        return self.model
