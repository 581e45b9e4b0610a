"""mention -> language -> sentiment -> rules -> verdict -> alert, for every stored mention not yet processed.

Mentions are stored first and processed after, so a crash between the two loses nothing: the
next run picks up every row whose processed_at is still empty.
"""
from __future__ import annotations

import asyncio
import logging

from monitor.learner import Learner
from monitor.logsafe import safe
from monitor.models import Mention, Verdict
from monitor.queue import act
from monitor.sla.deadline import Deadlines
from monitor.store import Store
from rules.analyze import analyze
from rules.engine import RuleSet

log = logging.getLogger("monitor.pipeline")

BATCH = 200


class Pipeline:
    def __init__(self, store: Store, ruleset: RuleSet, notifiers: list[str], clock,
                 own_handles: list[str] | None = None, max_age: float = 7 * 86400):
        self.store = store
        self.ruleset = ruleset
        self.notifiers = notifiers
        self.clock = clock
        self.own_handles = {h.lower().lstrip("@") for h in (own_handles or [])}
        self.max_age = max_age
        self.deadlines = Deadlines()
        self.learner = Learner(store, clock)
        self.training: asyncio.Task | None = None
        self.wakeup = asyncio.Event()
        self.on_alert = lambda: None   # the daemon wakes the outbox with it: a new alert leaves at once

    def _is_own(self, mention: Mention) -> bool:
        return mention.author.handle.lower().lstrip("@") in self.own_handles

    def _auto_respond(self, reply: Mention) -> None:
        """The brand's own account answered in the thread: that is the first response, recorded for the team."""
        if not reply.reply_to:
            return
        rows = self.store.rows(
            """SELECT a.id FROM alerts a JOIN mentions m ON m.id = a.mention_id
               WHERE m.source = ? AND m.native_id = ? AND a.state IN ('open', 'claimed')""",
            (reply.source, reply.reply_to))
        for row in rows:
            act(self.store, row["id"], "respond", f"auto:{reply.author.handle}", self.clock.now(),
                note=f"reply {reply.native_id}", notifiers=self.notifiers)
            log.info("alert.auto_responded id=%s by=%s", row["id"], safe(reply.author.handle))

    def judge(self, mention: Mention) -> Verdict:
        scores = analyze(mention.text, mention.lang)
        verdict = self.ruleset.evaluate(mention, scores)
        # The team's model reads the rules' own verdict, so the rules run once without it (as
        # learner.example reads the verdicts it learns from), then again with what it says, only
        # while a model is in use.
        learned = self.learner.probability(mention.text, scores, verdict.complaint)
        if learned is not None:
            scores.extra["learned"] = learned
            verdict = self.ruleset.evaluate(mention, scores)
        if self._is_own(mention):
            # The brand's own posts are never complaints, whatever the rules say.
            verdict.complaint, verdict.suppressed = False, True
            verdict.explanation.append({"rule": "own-post", "held": f"author @{mention.author.handle} is the brand"})
        age = (self.clock.now() - mention.published_at).total_seconds()
        if verdict.complaint and age > self.max_age:
            # Stored and judged, but too old to page anyone: a feed replaying its history, say.
            verdict.complaint, verdict.suppressed = False, True
            verdict.explanation.append({"rule": "too-old", "held": f"posted {age / 86400:.0f} days ago"})
        if verdict.complaint:
            self.deadlines.apply(mention, verdict)
        return verdict

    def process_pending(self, limit: int = BATCH) -> int:
        """Judge up to `limit` unprocessed mentions; returns how many were processed."""
        mentions = self.store.unprocessed(limit)
        judged = [(m, self.judge(m)) for m in mentions]
        alert_ids = self.store.save_verdicts(judged, self.clock.now(), self.notifiers)
        if any(alert_ids):
            self.on_alert()
        for (mention, verdict), alert_id in zip(judged, alert_ids):
            if self._is_own(mention):
                self._auto_respond(mention)
            if alert_id:
                log.info("alert.created id=%s mention=%s source=%s priority=%s rules=%s text=%s", alert_id,
                         mention.id, mention.source, verdict.priority, ",".join(verdict.rules),
                         safe(mention.text, 120))
        return len(mentions)

    def drain(self) -> int:
        total = 0
        while (n := self.process_pending()):
            total += n
        return total

    async def run_forever(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        while not stop.is_set():
            while self.process_pending():
                await asyncio.sleep(0)  # let sources and the web server breathe between batches
            if (self.training is None or self.training.done()) and self.learner.due():
                # Its own task: mentions keep being judged (by the model in use) while it trains.
                self.training = asyncio.create_task(self.learner.retrain_if_due(self.ruleset), name="learning")
            self.wakeup.clear()
            try:
                await asyncio.wait_for(self.wakeup.wait(), timeout=idle)
            except asyncio.TimeoutError:
                pass
