"""Keeps the team's model current: retrained from the store once enough new verdicts have come in."""
from __future__ import annotations

import asyncio
import json
import logging
import threading

from monitor.models import Mention, Scores
from monitor.store import Store
from rules.analyze import analyze
from rules.engine import RuleSet
from rules.learning import Example, Model, readings

log = logging.getLogger("monitor.learning")

MODEL_NAME = "team"
# New verdicts before the model is trained again: 10, or a twentieth of those it was trained on when
# that is more (training on 4,000 verdicts takes about 15 s of one core, bench/learning_curve.py).
RETRAIN_EVERY = 10
RETRAIN_SHARE = 20


def example(ruleset: RuleSet, mention: Mention, label: bool) -> Example:
    """A verdict as the model learns from it: the mention read exactly as Pipeline.judge reads a new
    one before the model speaks (same language hint, same rules, same mention fields)."""
    scores = analyze(mention.text, mention.lang)
    by_rules = ruleset.evaluate(mention, scores).complaint
    return Example(mention.text, by_rules, readings(scores, by_rules), label)


async def _in_own_thread(fn, *args):
    """Run fn in a daemon thread and await its result. Not the default executor: asyncio.run waits for
    that at shutdown, and a stop must not wait for a training to finish (it is redone at next start)."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result=None, error=None):
        if future.done():            # the awaiting task was cancelled
            return
        if error:
            future.set_exception(error)
        else:
            future.set_result(result)

    def work():
        try:
            result = fn(*args)
        except Exception as exc:       # handed to the awaiting coroutine
            outcome = {"error": exc}
        else:
            outcome = {"result": result}
        try:
            loop.call_soon_threadsafe(lambda: settle(**outcome))
        except RuntimeError:           # the loop has closed: the daemon stopped meanwhile
            pass

    threading.Thread(target=work, name="learning", daemon=True).start()
    return await future


class Learner:
    """The model is used only where cross-validation on the team's own verdicts shows it finds their
    complaints better than the rules do (rules/training.helps)."""

    def __init__(self, store: Store, clock):
        self.store = store
        self.clock = clock
        saved = store.model(MODEL_NAME)
        body = json.loads(saved["body"]) if saved else {}
        # A model of an older format is dropped here and trained again from the verdicts it came from.
        self.model: Model | None = Model.from_json(body["model"]) if "model" in body else None
        self.enabled = bool(self.model and body.get("enabled"))
        self.report: dict = body.get("report", {}) if self.model else {}
        self.trained_on = saved["examples"] if saved and self.model else 0
        self.attempted_on = self.trained_on     # verdicts at the last training begun, failed or not
        self.training = False

    def probability(self, text: str, scores: Scores, by_rules: bool) -> float | None:
        """What rules read as `learned`: ≥ 0.5 when the model calls the text a complaint."""
        if not (self.model and self.model.ready and self.enabled):
            return None
        return self.model.leaning(text, readings(scores, by_rules))

    def due(self) -> bool:
        count = self.store.rows("SELECT COUNT(*) n FROM team_verdicts")[0]["n"]
        return not self.training and count - self.attempted_on >= max(RETRAIN_EVERY, self.attempted_on // RETRAIN_SHARE)

    def retrain(self, ruleset: RuleSet) -> Model:
        pairs = self.store.team_examples()
        self.attempted_on = len(pairs)
        model, report = self._fit(ruleset, pairs)
        self._adopt(model, report, len(pairs))
        return model

    async def retrain_if_due(self, ruleset: RuleSet) -> bool:
        """As retrain, when due, with the training in its own thread: on thousands of verdicts it takes
        seconds. A training that fails is logged and the model in use stays; it is tried again once
        more verdicts have come in."""
        if not self.due():
            return False
        pairs = self.store.team_examples()
        self.training, self.attempted_on = True, len(pairs)
        try:
            model, report = await _in_own_thread(self._fit, ruleset, pairs)
        except Exception:
            log.exception("model.training_failed examples=%d (the model in use stays)", len(pairs))
            return False
        finally:
            self.training = False
        self._adopt(model, report, len(pairs))
        return True

    @staticmethod
    def _fit(ruleset: RuleSet, pairs: list[tuple[Mention, bool]]):
        from rules.training import fit    # scikit-learn is imported only when a team has verdicts
        return fit([example(ruleset, mention, label) for mention, label in pairs])

    def _adopt(self, model: Model, report: dict, examples: int) -> None:
        from rules.training import helps
        self.model, self.report, self.trained_on = model, report, examples
        self.enabled = model.ready and helps(report)
        body = {"model": model.to_json(), "enabled": self.enabled, "report": report}
        self.store.save_model(MODEL_NAME, json.dumps(body, ensure_ascii=False), examples, self.clock.now())
        log.info("model.trained examples=%d enabled=%s report=%s", examples, self.enabled, report)
