"""Sources gone silent: every poll failing for longer than `silence_after.failing` (30 min by
default), or nothing new for longer than `silence_after.nothing_new` (6 h). One notice when a source
goes silent, one when it is back; `sources.silence` shows it meanwhile (dashboard, /api/sources).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from monitor.clock import parse_iso
from monitor.store import Store
from monitor.store.notices import close_notice, open_notice, open_notices

log = logging.getLogger("monitor.sources")

KIND = "source-silent"


@dataclass
class Watched:
    name: str
    kind: str
    nothing_new: int | None        # seconds; None: never alert on this
    failing: int | None


def silence_of(row: dict, source: Watched, now: datetime) -> tuple[str, datetime] | None:
    """(reason, since) when the source is silent by its own limits, else None."""
    failing_since = parse_iso(row.get("failing_since"))
    if (source.failing is not None and row.get("status") == "failing" and failing_since
            and (now - failing_since).total_seconds() >= source.failing):
        return "failing", failing_since
    last_new = parse_iso(row.get("last_new")) or parse_iso(row.get("added_at"))
    if source.nothing_new is not None and last_new and (now - last_new).total_seconds() >= source.nothing_new:
        return "nothing_new", last_new
    return None


class SilentSourceWatch:
    def __init__(self, store: Store, clock, sources: list[Watched], notifiers: list[str], priority: str = "normal"):
        self.store = store
        self.clock = clock
        self.sources = sources
        self.notifiers = notifiers
        self.priority = priority
        for s in sources:   # a source that never polled successfully still has a clock from now
            store.ensure_source(s.name, s.kind, clock.now())

    def tick(self) -> list[tuple[str, str]]:
        """Returns (source, 'silent' or 'back') for each notice opened or closed."""
        now = self.clock.now()
        opened = {n["subject"]: n for n in open_notices(self.store, KIND)}
        changes = []
        for source in self.sources:
            row = self.store.source(source.name)
            state = silence_of(row, source, now)
            self.store.set_source_silence(source.name, _shown(state))
            if state and source.name not in opened:
                reason, since = state
                body = {"source": source.name, "reason": reason, "since": since.isoformat(),
                        "limit": source.failing if reason == "failing" else source.nothing_new,
                        "last_error": row.get("last_error")}
                if open_notice(self.store, KIND, source.name, self.priority, body, now, self.notifiers):
                    log.warning("source.silent source=%s reason=%s since=%s", source.name, reason, since.isoformat())
                    changes.append((source.name, "silent"))
            elif not state and source.name in opened:
                close_notice(self.store, opened[source.name]["id"], {"at": now.isoformat()}, now, self.notifiers)
                log.info("source.back source=%s", source.name)
                changes.append((source.name, "back"))
        return changes


def _shown(state: tuple[str, datetime] | None) -> str | None:
    if state is None:
        return None
    reason, since = state
    words = "failing" if reason == "failing" else "nothing new"
    return f"{words} since {since.strftime('%Y-%m-%dT%H:%M:%SZ')}"
