"""Starting and stopping the dashboard inside the daemon."""
from __future__ import annotations

import secrets

from aiohttp import web

from monitor.httpserve import serve
from monitor.web.app import WebContext, create_app
from monitor.web.auth import hash_password


class WebServer:
    def __init__(self, settings, store, clock, notifiers: list[str], demo: bool, timezone: str = "UTC",
                 ingest: dict | None = None, on_ingest=None, ruleset=None):
        users = {u.name: u.password_hash for u in settings.users}
        self.one_time_login: tuple[str, str] | None = None
        if not users:
            # Never an open dashboard: with no users configured, a login good for this run only.
            name, password = ("demo" if demo else "admin"), secrets.token_urlsafe(9)
            users[name] = hash_password(password)
            self.one_time_login = (name, password)
        self.ctx = WebContext(store, clock, users, [t.get_secret_value() for t in settings.api_tokens], notifiers,
                              timezone=timezone, ingest=ingest or {}, on_ingest=on_ingest, ruleset=ruleset)
        self.host, self.port = settings.host, settings.port
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        self.runner, self.url = await serve(create_app(self.ctx), self.host, self.port)
        return self.url

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()
