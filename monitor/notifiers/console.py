"""Writes alerts to the log: the notifier that works with no configuration at all."""
from __future__ import annotations

import logging

from monitor.logsafe import safe
from monitor.notifiers.base import Message, Notifier, cap, describe_time_left

log = logging.getLogger("monitor.alerts")


class ConsoleNotifier(Notifier):
    kind = "console"

    async def send(self, session, message: Message) -> None:
        a, m = message.alert, message.mention
        log.warning("alert.%s id=%s priority=%s team=%s source=%s author=%s due=%s (%s) rules=%s text=%s link=%s",
                    message.event, a["id"], a["priority"], a["team"], m["source"],
                    safe(m["author"]["handle"] or m["author"]["name"]), a["due_at"],
                    describe_time_left(message.time_left), ",".join(a["rules"]),
                    safe(cap(m["text"], 200)), message.link)
