"""Shared fixtures: a local aiohttp server that speaks whatever protocol a test gives it."""
from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web


class LocalServer:
    """An aiohttp app on 127.0.0.1 with a free port; `url` is its base address."""

    def __init__(self, app: web.Application):
        self.app = app
        self.runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        self.url = ""

    async def start(self) -> "LocalServer":
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return self

    async def close(self) -> None:
        await self.runner.cleanup()


@pytest.fixture
async def serve():
    servers: list[LocalServer] = []

    async def start(app: web.Application) -> LocalServer:
        server = await LocalServer(app).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.close()


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s
