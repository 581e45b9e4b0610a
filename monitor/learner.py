"""Keeps the team's model current: retrained from the store once enough new verdicts have come in."""
from __future__ import annotations

import asyncio
import json
import logging

from monitor.models import Scores
from monitor.store import Store
from rules.learning import Model, readings

log = logging.getLogger("monitor.learning")

MODEL_NAME = "team"
# New verdicts before the model is trained again: 10, or a twentieth of those it was trained on when
# that is more (training on 4,000 verdicts takes about 15 s of one core, bench/learning_curve.py).
RETRAIN_EVERY = 10
RETRAIN_SHARE = 20


class Learner:
    """`baseline(text) -> bool` is what the rules say without the model: the model is used only where
    cross-validation on the team's own verdicts shows it finds the team's complaints better than the
    rules do."""

    def __init__(self, store: Store, clock, baseline=None):
        self.store = store
        self.clock = clock
        self.baseline = baseline
        saved = store.model(MODEL_NAME)
        body = json.loads(saved["body"]) if saved else {}
        # A model of an older format is dropped here and trained again from the verdicts it came from.
        self.model: Model | None = Model.from_json(body["model"]) if "model" in body else None
        self.enabled = bool(self.model and body.get("enabled"))
        self.report: dict = body.get("report", {}) if self.model else {}
        self.trained_on = saved["examples"] if saved and self.model else 0

    def probability(self, text: str, scores: Scores, by_rules: bool) -> float | None:
        """What rules read as `learned`: ≥ 0.5 when the model calls the text a complaint."""
        if not (self.model and self.model.ready and self.enabled):
            return None
        return self.model.leaning(text, readings(scores, by_rules))

    def due(self) -> bool:
        count = self.store.rows("SELECT COUNT(*) n FROM team_verdicts")[0]["n"]
        return count - self.trained_on >= max(RETRAIN_EVERY, self.trained_on // RETRAIN_SHARE)

    def maybe_retrain(self) -> bool:
        if not self.due():
            return False
        self.retrain()
        return True

    async def retrain_if_due(self) -> bool:
        """As maybe_retrain, with the training itself in a worker thread: on thousands of verdicts it
        takes seconds, and the daemon's sources and dashboard must not wait for it."""
        if not self.due():
            return False
        examples = self.store.team_examples()
        model, report = await asyncio.to_thread(self._fit, examples)
        self._adopt(model, report, len(examples))
        return True

    def retrain(self) -> Model:
        examples = self.store.team_examples()
        model, report = self._fit(examples)
        self._adopt(model, report, len(examples))
        return model

    def _fit(self, examples):
        from rules.training import fit    # scikit-learn is imported only when a team has verdicts
        return fit(examples, self.baseline or (lambda text: False))

    def _adopt(self, model: Model, report: dict, examples: int) -> None:
        from rules.training import helps
        self.model, self.report, self.trained_on = model, report, examples
        self.enabled = model.ready and helps(report)
        body = {"model": model.to_json(), "enabled": self.enabled, "report": report}
        self.store.save_model(MODEL_NAME, json.dumps(body, ensure_ascii=False), examples, self.clock.now())
        log.info("model.trained examples=%d enabled=%s report=%s", examples, self.enabled, report)
