"""The JSON API under /api/: everything the pages do, for scripts and other tools."""
from __future__ import annotations

from aiohttp import web

from monitor.queue import ACTIONS, ACTIVE_STATES, act, list_alerts, merge
from monitor.store.rows import alert_public, mention_public
from monitor.store.search import QueryError, search
from monitor.web.app import CTX, USER
from monitor.web.params import ParamError, mention_query


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/alerts", alerts)
    app.router.add_get("/api/alerts/{id:\\d{1,18}}", alert)
    app.router.add_post("/api/alerts/{id:\\d{1,18}}/merge", merge_alert)   # before {action}: it takes a target
    app.router.add_post("/api/alerts/{id:\\d{1,18}}/{action}", alert_action)
    app.router.add_get("/api/mentions", mentions)
    app.router.add_get("/api/sources", sources)
    app.router.add_post("/api/mentions/{id:\\d{1,18}}/missed", missed)


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
    body = await _json_body(request)
    try:
        result = act(ctx.store, int(request.match_info["id"]), action, str(body.get("by") or request[USER]),
                     ctx.clock.now(), note=str(body.get("note", ""))[:500], notifiers=ctx.notifiers)
    except KeyError:
        raise web.HTTPNotFound(text='{"error": "no such alert"}', content_type="application/json")
    except ValueError as exc:
        return web.json_response({"error": str(exc)}, status=409)
    return web.json_response(result)


async def mentions(request: web.Request) -> web.Response:
    """Full-text search with filters: q, source, lang, verdict, polarity_min/max, from, to, page, limit."""
    ctx = request.app[CTX]
    try:
        return web.json_response(search(ctx.store, mention_query(request.query, ctx.timezone)))
    except (ParamError, QueryError) as exc:
        return web.json_response({"error": str(exc)}, status=400)


async def merge_alert(request: web.Request) -> web.Response:
    """Body {"into": ID, "by": "...", "note": "..."}: this alert is a duplicate of alert ID."""
    ctx = request.app[CTX]
    body = await _json_body(request)
    into = body.get("into")
    if isinstance(into, bool) or not isinstance(into, int) or not 0 < into < 2**63:   # SQLite's integer range
        return web.json_response({"error": "into: the id of the alert that stays"}, status=400)
    try:
        result = merge(ctx.store, int(request.match_info["id"]), into, str(body.get("by") or request[USER]),
                       ctx.clock.now(), note=str(body.get("note", ""))[:500], notifiers=ctx.notifiers)
    except KeyError as exc:
        return web.json_response({"error": exc.args[0]}, status=404)
    except ValueError as exc:
        return web.json_response({"error": str(exc)}, status=409)
    return web.json_response(result)


async def _json_body(request: web.Request) -> dict:
    if not (request.can_read_body and request.content_type == "application/json"):
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text='{"error": "the body is not JSON"}', content_type="application/json")
    return body if isinstance(body, dict) else {}


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
