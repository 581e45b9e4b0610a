"""The gate every alert event passes before its deliveries are written (Store._event calls it).

A new alert is held when a silence covers it or a realert limit is reached; held, it is still on
the queue and a `muted` event says why. Its later events (warning, breach, escalation, people's
moves) stay held when a realert limit held it, and while a silence covers it: an expired silence
stops applying, so a breach after the silence pages as usual.
"""
from __future__ import annotations

import logging
from datetime import datetime

from monitor.noise.realert import DEFAULT_REALERT, PREFIX, RealertLimit, exceeded
from monitor.noise.silences import SilenceBook, alert_facts

log = logging.getLogger("monitor.noise")


class NoiseGate:
    def __init__(self, default: RealertLimit | None = DEFAULT_REALERT,
                 rule_limits: dict[str, RealertLimit] | None = None, silences: SilenceBook | None = None):
        self.default = default
        self.rule_limits = rule_limits or {}
        self.silences = silences or SilenceBook()

    def hold(self, c, alert_id: int, kind: str, now: datetime) -> str | None:
        """Why nobody is to be notified of this event, or None to notify as usual."""
        facts = alert_facts(c, alert_id)
        if kind != "created" and (facts["muted"] or "").startswith(PREFIX):
            return facts["muted"]
        silence = self.silences.matching(c, facts, now)
        if silence is not None:
            reason = silence.describe()
        elif kind == "created":
            reason = self._over_limit(c, facts, now)
        else:
            reason = None
        if reason and kind == "created":
            log.info("alert.muted id=%s reason=%r", alert_id, reason)
        return reason

    def _over_limit(self, c, facts: dict, now: datetime) -> str | None:
        for rule in facts["rules"]:
            limit = self.rule_limits.get(rule)
            if limit is not None and (reason := exceeded(c, limit, rule, facts, now)):
                return reason
        if self.default is not None:
            return exceeded(c, self.default, None, facts, now)
        return None
