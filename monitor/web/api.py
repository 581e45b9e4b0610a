"""The JSON API under /api/: everything the pages do, for scripts and other tools."""
from __future__ import annotations

from aiohttp import web

from monitor.queue import ACTIONS, ACTIVE_STATES, act, list_alerts
from monitor.store.rows import alert_public, mention_public
from monitor.web.app import CTX, USER


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/alerts", alerts)
    app.router.add_get("/api/alerts/{id:\\d+}", alert)
    app.router.add_post("/api/alerts/{id:\\d+}/{action}", alert_action)
    app.router.add_get("/api/mentions", mentions)
    app.router.add_get("/api/sources", sources)
    app.router.add_post("/api/mentions/{id:\\d+}/missed", missed)


async def alerts(request: web.Request) -> web.Response:
    state = request.query.get("state")
    states = None if state == "all" else ((state,) if state else ACTIVE_STATES)
    return web.json_response({"alerts": list_alerts(request.app[CTX].store, states=states)})


async def alert(request: web.Request) -> web.Response:
    store = request.app[CTX].store
    try:
        row = store.alert(int(request.match_info["id"]))
    except KeyError:
        raise web.HTTPNotFound(text='{"error": "no such alert"}', content_type="application/json")
    mention = mention_public(store.rows("SELECT * FROM mentions WHERE id = ?", (row["mention_id"],))[0])
    return web.json_response({**alert_public(row), "mention": mention, "events": store.events(row["id"])})


async def alert_action(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound(text='{"error": "unknown action"}', content_type="application/json")
    body = await request.json() if request.can_read_body and request.content_type == "application/json" else {}
    try:
        result = act(ctx.store, int(request.match_info["id"]), action, str(body.get("by") or request[USER]),
                     ctx.clock.now(), note=str(body.get("note", ""))[:500], notifiers=ctx.notifiers)
    except KeyError:
        raise web.HTTPNotFound(text='{"error": "no such alert"}', content_type="application/json")
    except ValueError as exc:
        return web.json_response({"error": str(exc)}, status=409)
    return web.json_response(result)


async def mentions(request: web.Request) -> web.Response:
    store = request.app[CTX].store
    limit = min(int(request.query.get("limit", "100")), 1000) if request.query.get("limit", "100").isdigit() else 100
    q = request.query.get("q")
    if q:
        rows = store.rows("SELECT * FROM mentions WHERE text LIKE ? ORDER BY id DESC LIMIT ?", (f"%{q}%", limit))
    else:
        rows = store.rows("SELECT * FROM mentions ORDER BY id DESC LIMIT ?", (limit,))
    return web.json_response({"mentions": [mention_public(r) for r in rows]})


async def sources(request: web.Request) -> web.Response:
    return web.json_response({"sources": request.app[CTX].store.sources()})


async def missed(request: web.Request) -> web.Response:
    """Mark a mention the monitor let through as a complaint: a verdict the detector learns from."""
    from monitor.queue import mark_missed
    ctx = request.app[CTX]
    try:
        mark_missed(ctx.store, int(request.match_info["id"]), request[USER], ctx.clock.now())
    except KeyError:
        raise web.HTTPNotFound(text='{"error": "no such mention"}', content_type="application/json")
    return web.json_response({"mention_id": int(request.match_info["id"]), "team_verdict": "complaint"})
