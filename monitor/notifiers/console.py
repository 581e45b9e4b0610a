"""Writes alerts to the log: the notifier that works with no configuration at all."""
from __future__ import annotations

import logging

from monitor.logsafe import safe
from monitor.notifiers.base import Message, Notice, Notifier, cap, notice_body
from monitor.notifiers.words import time_left

log = logging.getLogger("monitor.alerts")


class ConsoleNotifier(Notifier):
    kind = "console"

    async def send(self, session, message: Message) -> None:
        a, m = message.alert, message.mention
        log.warning("alert.%s id=%s priority=%s team=%s source=%s author=%s due=%s (%s) rules=%s text=%s link=%s",
                    message.event, a["id"], a["priority"], a["team"], m["source"],
                    safe(m["author"]["handle"] or m["author"]["name"]), a["due_at"],
                    time_left(message.time_left), ",".join(a["rules"]),
                    safe(cap(m["text"], 200)), message.link)

    async def send_notice(self, session, notice: Notice) -> None:
        log.warning("notice.%s.%s priority=%s title=%s body=%s link=%s", notice.kind, notice.phase, notice.priority,
                    safe(notice.title), safe(" | ".join(notice_body(notice, 200)), 1200), notice.link)
