"""The JSON API's statistics: GET /api/rules (rules and what they did) and GET /api/reports."""
from __future__ import annotations

from aiohttp import web

from monitor.reports import build_report
from monitor.rulestats import rule_report
from monitor.web.app import CTX
from monitor.web.params import ParamError, report_range, whole


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/rules", rules)
    app.router.add_get("/api/reports", reports)


async def rules(request: web.Request) -> web.Response:
    """?days=7: the loaded rules in evaluation order, examples' status, fired and dismissed in the window."""
    ctx = request.app[CTX]
    if ctx.ruleset is None:
        return web.json_response({"error": "no rules loaded"}, status=503)
    try:
        days = whole(request.query, "days", 7, 90)
    except ParamError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    return web.json_response(rule_report(ctx.store, ctx.ruleset, ctx.clock.now(), days))


async def reports(request: web.Request) -> web.Response:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD&team=NAME (days in the team's zone; default the last 7 days)."""
    ctx = request.app[CTX]
    now = ctx.clock.now()
    try:
        _, _, start, end = report_range(request.query, ctx.timezone, now)
    except ParamError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    return web.json_response(build_report(ctx.store, start, end, now, team=request.query.get("team") or None))
