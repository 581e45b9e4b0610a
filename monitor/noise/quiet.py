"""Quiet hours of one notifier: during them its deliveries wait in the outbox (except the priorities
it lets through) and go out in deadline order when the hours end."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time                     # 22:00-07:00 crosses midnight; 13:00-14:00 does not
    tz: str = "UTC"
    except_priority: tuple[str, ...] = ()

    def quiet(self, now: datetime) -> bool:
        local = now.astimezone(ZoneInfo(self.tz)).time()
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def allowed(self, now: datetime) -> tuple[str, ...] | None:
        """The priorities that may be sent now; None means all of them."""
        return self.except_priority if self.quiet(now) else None
