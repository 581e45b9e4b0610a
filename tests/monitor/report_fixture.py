"""A day of complaints with known answers, for the reports tests (store, CLI, API and page).

Range: 2026-03-02 (UTC). `NOW` is 01:00 the next day. What each alert should count as:

    A1 rss/en/support       01:10, answered 01:35 by sara              met, 25 min
    A2 rss/fa/support       01:50, answered 03:20                      missed, 90 min
    A3 telegram/ar/billing  05:05 (30 min SLA), the brand replied in the thread at 05:15; the
                            pipeline only saw the reply at 07:00       met, 10 min (the reply's time)
    A4 telegram/fa/billing  05:30, resolved 06:00 without "responded"  met, 30 min
    A5 rss/en/support       10:00, never answered                      missed
    A6 rss/en/support       23:00 (4 h SLA), not answered yet          pending
    A7 rss/en/support       12:00, dismissed                           not a complaint: left out
    A8 telegram/fa/billing  12:30, merged into A4                      a complaint; left out of SLA
    m9 telegram/ar          14:00, judged not a complaint, marked missed by the team: a complaint
    m10 rss/en              15:00, not a complaint
    A11 rss/en/support      the day before: outside the range
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from monitor.clock import FakeClock
from monitor.models import Author, Mention, Verdict
from monitor.pipeline import Pipeline
from monitor.queue import act, mark_missed, merge
from monitor.store import Store
from rules.engine import compile_rules

DAY = datetime(2026, 3, 2, tzinfo=timezone.utc)
NOW = DAY + timedelta(days=1, hours=1)


def at(hours: int, minutes: int = 0) -> datetime:
    return DAY + timedelta(hours=hours, minutes=minutes)


class Builder:
    def __init__(self, store: Store):
        self.store = store
        self.n = 0
        for source in ("rss", "telegram"):
            store.ensure_source(source, source)

    def mention(self, source: str, published: datetime, text: str, native_id: str | None = None,
                author: str | None = None, reply_to: str | None = None) -> Mention:
        self.n += 1
        m = Mention(source=source, native_id=native_id or f"n{self.n}", text=text, published_at=published,
                    author=Author(handle=author or f"customer{self.n}"), reply_to=reply_to)
        self.store.save_poll(source, [m], None, {}, published, published)
        return next(u for u in self.store.unprocessed(1000) if u.native_id == m.native_id and u.source == source)

    def judged(self, source: str, published: datetime, lang: str, team: str = "support", complaint: bool = True,
               within: int = 3600, native_id: str | None = None) -> int | None:
        m = self.mention(source, published, f"complaint {self.n} from {source}", native_id)
        verdict = Verdict(complaint=complaint, team=team, lang=lang, respond_within=within, rules=["r"],
                          sentiment=-0.5 if complaint else 0.4)
        return self.store.save_verdict(m, verdict, published + timedelta(minutes=1), [])


def build(store: Store) -> dict[str, int]:
    b = Builder(store)
    ids = {
        "A1": b.judged("rss", at(1, 10), "en"),
        "A2": b.judged("rss", at(1, 50), "fa"),
        "A3": b.judged("telegram", at(5, 5), "ar", team="billing", within=1800, native_id="t3"),
        "A4": b.judged("telegram", at(5, 30), "fa", team="billing"),
        "A5": b.judged("rss", at(10), "en"),
        "A6": b.judged("rss", at(23), "en", within=4 * 3600),
        "A7": b.judged("rss", at(12), "en"),
        "A8": b.judged("telegram", at(12, 30), "fa", team="billing"),
        "A11": b.judged("rss", DAY - timedelta(hours=1), "en"),
    }
    m9 = b.judged("telegram", at(14), "ar", complaint=False)
    b.judged("rss", at(15), "en", complaint=False)
    assert m9 is None
    act(store, ids["A1"], "respond", "sara", at(1, 35))
    act(store, ids["A2"], "respond", "sara", at(3, 20))
    act(store, ids["A4"], "resolve", "reza", at(6))
    act(store, ids["A7"], "dismiss", "sara", at(12, 5))
    merge(store, ids["A8"], ids["A4"], "reza", at(12, 40))
    missed = store.rows("SELECT id FROM mentions WHERE published_at = ?", (at(14).strftime("%Y-%m-%dT%H:%M:%SZ"),))
    mark_missed(store, missed[0]["id"], "sara", at(14, 30))
    # The brand's own reply in A3's thread, posted at 05:15 and judged by the real pipeline at 07:00.
    b.mention("telegram", at(5, 15), "Sorry! We have refunded you.", native_id="r3", author="acme", reply_to="t3")
    ruleset, _ = compile_rules([])
    Pipeline(store, ruleset, [], FakeClock(at(7)), own_handles=["acme"]).process_pending()
    return ids
