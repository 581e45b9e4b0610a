"""Complaint storms: when the last window's complaints are well above their baseline, one notice
per storm with its top terms and a few example posts; it re-arms only once volume falls back.

Volume is counted by when customers posted (published_at), so a new source delivering a day of
backlog in one poll spreads over that day instead of looking like a storm.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.clock import iso
from monitor.store import Store
from monitor.store.notices import close_notice, open_notice, open_notices
from monitor.watch.terms import top_terms, words

log = logging.getLogger("monitor.storm")

KIND = "storm"
EXAMPLE_CAP = 280          # characters of each example post kept in the notice
BASELINE_TEXTS = 5000      # newest baseline posts read for the term comparison


@dataclass
class Volume:
    current: int
    baseline: list[int]        # complaints per window, the most recent window first

    @property
    def mean(self) -> float:
        return sum(self.baseline) / len(self.baseline)

    @property
    def sd(self) -> float:
        mean = self.mean
        return math.sqrt(sum((n - mean) ** 2 for n in self.baseline) / len(self.baseline))


def volume(store: Store, now: datetime, window: int, baseline: int) -> Volume:
    """Complaints in the last window (bucket 0) and in each window of the baseline before it."""
    buckets = baseline // window
    since = now - timedelta(seconds=window * (buckets + 1))
    counts = [0] * (buckets + 1)
    for row in store.rows(
            """SELECT CAST((julianday(?) - julianday(published_at)) * 86400 / ? AS INTEGER) AS bucket,
                      COUNT(*) AS n
               FROM mentions WHERE complaint = 1 AND published_at > ? GROUP BY bucket""",
            (iso(now), window, iso(since))):
        # A post stamped slightly in the future (a source's clock) counts as now.
        counts[min(max(row["bucket"], 0), buckets)] += row["n"]
    return Volume(counts[0], counts[1:])


class StormWatch:
    def __init__(self, store: Store, clock, settings, notifiers: list[str], brand_terms: list[str] = ()):
        self.store = store
        self.clock = clock
        self.s = settings                  # StormSettings
        self.notifiers = notifiers
        self.brand_terms = set(brand_terms)

    def thresholds(self, vol: Volume) -> tuple[float, float]:
        """(start at or above, over below): halfway back counts as fallen back, so a storm hovering
        at its threshold is one storm, not a notice every minute."""
        start = max(self.s.min_count, vol.mean + self.s.k * vol.sd)
        return start, max(self.s.min_count / 2, vol.mean + self.s.k / 2 * vol.sd)

    def tick(self) -> str | None:
        """Open or close the storm notice as the volume says; returns 'started', 'over' or None."""
        now = self.clock.now()
        vol = volume(self.store, now, self.s.window, self.s.baseline)
        current = open_notices(self.store, KIND)
        if current:
            if vol.current >= current[0]["body"]["clear_below"]:
                return None
            close_notice(self.store, current[0]["id"], {"count": vol.current}, now, self.notifiers)
            log.info("storm.over count=%d", vol.current)
            return "over"
        start, clear_below = self.thresholds(vol)
        if vol.current < start:
            return None
        body = {"count": vol.current, "mean": round(vol.mean, 2), "sd": round(vol.sd, 2), "threshold": start,
                "clear_below": clear_below, "window": self.s.window, **self._what(now)}
        if open_notice(self.store, KIND, "complaints", self.s.priority, body, now, self.notifiers) is None:
            return None
        log.warning("storm.started count=%d mean=%.1f sd=%.1f threshold=%.1f terms=%s", vol.current, vol.mean,
                    vol.sd, start, ",".join(body["terms"]))
        return "started"

    def _what(self, now: datetime) -> dict:
        window_start = iso(now - timedelta(seconds=self.s.window))
        recent = self.store.rows(
            """SELECT id, source, author_handle, author_name, text, url FROM mentions
               WHERE complaint = 1 AND published_at > ? ORDER BY published_at DESC, id DESC""", (window_start,))
        earlier = self.store.rows(
            """SELECT text FROM mentions WHERE complaint = 1 AND published_at > ? AND published_at <= ?
               ORDER BY published_at DESC LIMIT ?""",
            (iso(now - timedelta(seconds=self.s.window + self.s.baseline)), window_start, BASELINE_TEXTS))
        terms = top_terms([r["text"] for r in recent], [r["text"] for r in earlier],
                          self.s.window / self.s.baseline, self.s.top_terms, self.brand_terms)
        return {"terms": terms, "examples": self._examples(recent, terms)}

    def _examples(self, recent: list[dict], terms: list[str]) -> list[dict]:
        """The newest posts that use a top term, one per author, so the examples show the storm."""
        chosen, authors = [], set()
        ranked = sorted(recent, key=lambda r: not (words(r["text"]) & set(terms)))   # stable: newest first within
        for row in ranked:
            author = row["author_handle"] or row["author_name"]
            if author and author in authors:
                continue
            authors.add(author)
            chosen.append({"mention_id": row["id"], "source": row["source"], "author": author,
                           "text": row["text"][:EXAMPLE_CAP], "url": row["url"]})
            if len(chosen) >= self.s.examples:
                break
        return chosen
