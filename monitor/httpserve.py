"""Serving an aiohttp app on a host and port (0 picks a free one), for the dashboard and the demo."""
from __future__ import annotations

from aiohttp import web


async def serve(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    actual = site._server.sockets[0].getsockname()[1]
    return runner, f"http://{host}:{actual}"
