"""The mentions page: search everything stored, filter, page, and mark what the monitor missed."""
from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from monitor.queue import mark_missed
from monitor.store.search import VERDICTS, QueryError, facets, search
from monitor.web.app import CTX, USER, render
from monitor.web.params import ParamError, mention_query, safe_next
from monitor.web.present import QUEUE_TEXT_CAP, highlight, safe_url

FILTERS = ("q", "source", "lang", "verdict", "polarity_min", "polarity_max", "from", "to", "limit")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/mentions", mentions_page)
    app.router.add_post("/mentions/{id:\\d{1,18}}/missed", missed_action)


async def mentions_page(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    kept = {k: request.query[k] for k in FILTERS if request.query.get(k)}
    result, error = {"mentions": [], "total": 0, "page": 1, "pages": 1}, None
    try:
        result = search(ctx.store, mention_query(request.query, ctx.timezone))
    except (ParamError, QueryError) as exc:
        error = str(exc)
    words = [w.strip('"*') for w in kept.get("q", "").split() if w.strip('"*')]
    for m in result["mentions"]:
        m["text_html"] = highlight(m["text"], words, QUEUE_TEXT_CAP)
        m["link"] = safe_url(m["url"])
    response = render(request, "mentions.html", result=result, error=error, filters=kept,
                      verdicts=VERDICTS, page_link=lambda n: "/mentions?" + urlencode({**kept, "page": n}),
                      **facets(ctx.store))
    if error:
        response.set_status(400)
    return response


async def missed_action(request: web.Request) -> web.Response:
    """"Missed complaint": the team says this mention was a complaint; the detector learns from it."""
    ctx = request.app[CTX]
    mention_id = int(request.match_info["id"])
    form = await request.post()
    try:
        mark_missed(ctx.store, mention_id, request[USER], ctx.clock.now())
    except KeyError:
        raise web.HTTPNotFound(text=f"no mention {mention_id}")
    raise web.HTTPFound(safe_next(form.get("next"), "/mentions"))
