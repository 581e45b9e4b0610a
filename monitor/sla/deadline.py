"""The deadline of a complaint: published + respond_within, counted in the team's working time."""
from __future__ import annotations

from monitor.models import Mention, Verdict
from monitor.sla.calendar import Calendar

ALWAYS = Calendar()


class Deadlines:
    def __init__(self, policies: dict[str, int] | None = None, calendars: dict[str, Calendar] | None = None):
        self.policies = policies or {}
        self.calendars = calendars or {}

    def apply(self, mention: Mention, verdict: Verdict) -> None:
        """Fill in respond_within (from the priority's policy unless a rule set it) and due_at."""
        if not verdict.respond_within_set and verdict.priority in self.policies:
            verdict.respond_within = self.policies[verdict.priority]
        calendar = self.calendars.get(verdict.team, ALWAYS)
        verdict.due_at = calendar.add_working_time(mention.published_at, verdict.respond_within)

    @classmethod
    def from_settings(cls, settings) -> "Deadlines":
        return cls(dict(settings.sla.policies), {t.name: t.calendar() for t in settings.teams})
