"""The rules page: the loaded rules in evaluation order, their examples, and what they did lately."""
from __future__ import annotations

from aiohttp import web

from monitor.rulestats import rule_report
from monitor.web.app import CTX, render
from monitor.web.params import ParamError, whole


def add_routes(app: web.Application) -> None:
    app.router.add_get("/rules", rules_page)


async def rules_page(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    try:
        days = whole(request.query, "days", 7, 90)
    except ParamError as exc:
        raise web.HTTPBadRequest(text=str(exc))
    report = rule_report(ctx.store, ctx.ruleset, ctx.clock.now(), days) if ctx.ruleset is not None else None
    return render(request, "rules.html", report=report)
