"""Local stand-ins for every notifier's service, on loopback, that can be down, slow or refuse the
way the real ones do: Slack, Teams and Telegram (their own success and error answers), a webhook
receiver, and an SMTP server (aiosmtpd). Each records the idempotency key of what it accepted, in
order, doubles included, so a test can see what a receiver that drops doubles by key would keep."""
from __future__ import annotations

import asyncio
import email
import email.policy
import json
import socket

from aiohttp import web
from aiosmtpd.controller import Controller
from pydantic import SecretStr

from monitor.notifiers.chat import ChatWebhookOptions, SlackNotifier, TeamsNotifier, TelegramNotifier, TelegramNotifyOptions
from monitor.notifiers.email import EmailNotifier, EmailOptions
from monitor.notifiers.webhook import WebhookNotifier, WebhookOptions

SLOW = 1.0          # seconds a slow service takes to answer; notifiers here give up after TIMEOUT
TIMEOUT = 0.3

# kind -> (path, success status, success body)
SUCCESS = {
    "slack": ("/services/T0/B0/xyz", 200, "ok"),
    "teams": ("/workflows/abc/triggers/manual/run", 202, ""),
    "telegram": ("/bot123:abc/sendMessage", 200, json.dumps({"ok": True, "result": {"message_id": 1}})),
    "webhook": ("/hook", 204, ""),
}
_TG = lambda code, text, **extra: json.dumps({"ok": False, "error_code": code, "description": text, **extra})  # noqa: E731
# fault -> kind -> (status, headers, body): what each service really answers in that situation.
FAULTS = {
    "error": {k: (503, {}, "upstream unavailable") for k in SUCCESS} | {"telegram": (502, {}, _TG(502, "Bad Gateway"))},
    "busy": {k: (429, {"Retry-After": "120"}, "rate limited") for k in SUCCESS}
    | {"telegram": (429, {}, _TG(429, "Too Many Requests: retry after 120", parameters={"retry_after": 120}))},
    "refuse": {"slack": (400, {}, "invalid_blocks"), "teams": (400, {}, "Bad payload"),
               "telegram": (400, {}, _TG(400, "Bad Request: can't parse entities")), "webhook": (422, {}, "")},
    "gone": {"slack": (404, {}, "no_service"), "teams": (404, {}, ""),
             "telegram": (401, {}, _TG(401, "Unauthorized")), "webhook": (410, {}, "")},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """Common bookkeeping: `fault` answers every request until cleared; `once` answers the next ones."""

    def __init__(self, kind: str):
        self.kind = kind
        self.port = free_port()
        self.fault: str | None = None
        self.once: list[str] = []
        self.received: list[str] = []     # accepted idempotency keys, in order, doubles included
        self.requests = 0

    def next_fault(self) -> str | None:
        self.requests += 1
        return self.once.pop(0) if self.once else self.fault

    def kept(self) -> list[str]:
        """What a receiver that drops doubles by idempotency key keeps."""
        return list(dict.fromkeys(self.received))


class HttpService(Service):
    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(SUCCESS[self.kind][0], self.handle)
        self.runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self.runner.setup()
        await self.up()

    async def up(self) -> None:
        self.site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        await self.site.start()

    async def down(self) -> None:
        await self.site.stop()      # connection refused from now on

    async def close(self) -> None:
        await self.runner.cleanup()

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        fault = self.next_fault()
        if fault == "slow":
            # It did the work, but answers after the sender gave up: the retry is a double.
            self.received.append(request.headers["Idempotency-Key"])
            await asyncio.sleep(SLOW)
        elif fault:
            status, headers, body = FAULTS[fault][self.kind]
            return web.Response(status=status, headers=headers, text=body)
        else:
            self.received.append(request.headers["Idempotency-Key"])
        _, status, body = SUCCESS[self.kind]
        return web.Response(status=status, text=body or None)

    def notifier(self, name: str):
        url = f"http://127.0.0.1:{self.port}{SUCCESS[self.kind][0]}"
        if self.kind == "slack":
            return SlackNotifier(name, ChatWebhookOptions(webhook_url=SecretStr(url), timeout=TIMEOUT))
        if self.kind == "teams":
            return TeamsNotifier(name, ChatWebhookOptions(webhook_url=SecretStr(url), timeout=TIMEOUT))
        if self.kind == "telegram":
            return TelegramNotifier(name, TelegramNotifyOptions(token=SecretStr("123:abc"), chat_id="-100",
                                                                base_url=f"http://127.0.0.1:{self.port}", timeout=TIMEOUT))
        return WebhookNotifier(name, WebhookOptions(url=url, timeout=TIMEOUT))


# SMTP has no 429 or 404: its closest answers, and its 4xx/5xx mean the opposite of HTTP's.
SMTP_FAULTS = {"error": "451 4.3.0 Temporary local problem, try later", "busy": "421 4.7.0 Too many messages, slow down",
               "refuse": "550 5.1.1 No such user here"}


class SmtpService(Service):
    async def start(self) -> None:
        await self.up()

    async def up(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def down(self) -> None:
        self.controller.stop()

    async def close(self) -> None:
        try:
            self.controller.stop()
        except AssertionError:   # already stopped
            pass

    async def handle_DATA(self, server, session, envelope):
        fault = self.next_fault()
        if fault in SMTP_FAULTS:
            return SMTP_FAULTS[fault]
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        key = message["Message-ID"].strip("<>").split("@")[0].replace(".", ":")
        self.received.append(key)
        if fault == "slow":
            await asyncio.sleep(SLOW)
        return "250 OK"

    def notifier(self, name: str):
        return EmailNotifier(name, EmailOptions(host="127.0.0.1", port=self.port, starttls=False, timeout=TIMEOUT,
                                                sender="monitor@example.com", to=["team@example.com"]))


async def start_service(kind: str) -> Service:
    service = SmtpService(kind) if kind == "email" else HttpService(kind)
    await service.start()
    return service
