"""Silences: "page nobody about this until then". By rule, source, term and/or team (every field
given must hold); a term is matched in the mention's text after the rules' normalisation, on word
boundaries, exactly as rule terms are. From the command line (stored) or settings.yaml (in memory).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from monitor.clock import iso, parse_iso
from monitor.store.silences import active_silences
from rules.conditions import compile_term
from rules.normalize import fold


@dataclass
class Silence:
    label: str                     # "#3" (stored) or "settings silences[0]"
    starts_at: datetime
    ends_at: datetime
    by: str
    reason: str
    rule: str | None = None
    source: str | None = None
    term: str | None = None
    team: str | None = None

    def __post_init__(self):
        # compile_term raises RuleError (a ValueError) for a bad re: term; callers validate first.
        self.pattern: re.Pattern | None = compile_term(self.term, "term") if self.term else None

    def active(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def matches(self, facts: dict) -> bool:
        """facts: the alert's rules, source, team and folded text."""
        return ((self.rule is None or self.rule in facts["rules"])
                and (self.source is None or self.source == facts["source"])
                and (self.team is None or self.team == facts["team"])
                and (self.pattern is None or bool(self.pattern.search(facts["folded"]))))

    def describe(self) -> str:
        return f"silence {self.label} by {self.by} until {iso(self.ends_at)}: {self.reason}"

    @classmethod
    def from_row(cls, row: dict) -> "Silence":
        return cls(f"#{row['id']}", parse_iso(row["starts_at"]), parse_iso(row["ends_at"]), row["created_by"],
                   row["reason"], row["rule"], row["source"], row["term"], row["team"])


class SilenceBook:
    """The silences in force: settings.yaml's plus the stored ones, read fresh at each decision so a
    `silence add` or `silence expire` from another process applies at once."""

    def __init__(self, configured: list[Silence] | None = None):
        self.configured = configured or []
        self._compiled: dict[tuple, Silence] = {}

    def matching(self, conn, facts: dict, now: datetime) -> Silence | None:
        for silence in self._in_force(conn, now):
            if silence.matches(facts):
                return silence
        return None

    def _in_force(self, conn, now: datetime) -> list[Silence]:
        stored = []
        for row in active_silences(conn, now):
            key = tuple(row[k] for k in ("id", "term", "ends_at"))
            if key not in self._compiled:   # compile each stored term once, not per alert
                self._compiled[key] = Silence.from_row(row)
            stored.append(self._compiled[key])
        return [s for s in self.configured if s.active(now)] + stored


def alert_facts(conn, alert_id: int) -> dict:
    """What silences and realert limits look at, read in the caller's transaction."""
    row = conn.execute(
        """SELECT a.id, a.rules, a.team, a.muted, m.source, m.text, m.author_handle, m.thread_id
           FROM alerts a JOIN mentions m ON m.id = a.mention_id WHERE a.id = ?""", (alert_id,)).fetchone()
    return {"id": row["id"], "rules": json.loads(row["rules"]), "team": row["team"], "muted": row["muted"],
            "source": row["source"], "folded": fold(row["text"]), "author": row["author_handle"],
            "thread": row["thread_id"]}
