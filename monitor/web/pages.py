"""HTML pages: login, the queue, one alert. State changes are POST forms with a CSRF token."""
from __future__ import annotations

from aiohttp import web

from monitor.queue import ACTIONS, act, list_alerts, merge
from monitor.store.notices import all_open_notices
from monitor.store.rows import alert_public, mention_public
from monitor.web.app import CTX, USER, render, request_lang
from monitor.web.auth import SESSION_COOKIE, SESSION_SECONDS, check_password
from monitor.web.notice_view import banners
from monitor.web.params import safe_next
from monitor.web.present import ALERT_TEXT_CAP, alert_view, safe_url


def add_routes(app: web.Application) -> None:
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/", queue_page)
    app.router.add_get("/alerts/{id:\\d{1,18}}", alert_page)
    app.router.add_get("/sources", sources_page)
    app.router.add_get("/lang/{lang}", switch_language)
    app.router.add_post("/alerts/{id:\\d{1,18}}/merge", merge_action)   # before {action}: it takes a target
    app.router.add_post("/alerts/{id:\\d{1,18}}/{action}", alert_action)


async def login_form(request: web.Request) -> web.Response:
    return render(request, "login.html", error=None)


async def login(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    form = await request.post()
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    stored = ctx.users.get(name)
    if not stored or not check_password(password, stored):
        response = render(request, "login.html", error="Wrong name or password.")
        response.set_status(401)
        return response
    response = web.HTTPFound("/")
    response.set_cookie(SESSION_COOKIE, ctx.signer.session(name), max_age=SESSION_SECONDS, httponly=True,
                        samesite="Strict", path="/")
    raise response


async def logout(request: web.Request) -> web.Response:
    response = web.HTTPFound("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


async def queue_page(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    now = ctx.clock.now()
    alerts = [alert_view(a, now) for a in list_alerts(ctx.store)]
    # Storms and silent sources are SLA risks: shown above the queue while they last, not only sent.
    notices = banners(all_open_notices(ctx.store), request_lang(request))
    return render(request, "queue.html", alerts=alerts, actions=list(ACTIONS), notices=notices)


async def alert_page(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    alert_id = int(request.match_info["id"])
    try:
        row = ctx.store.alert(alert_id)
    except KeyError:
        raise web.HTTPNotFound(text=f"no alert {alert_id}")
    mention = mention_public(ctx.store.rows("SELECT * FROM mentions WHERE id = ?", (row["mention_id"],))[0])
    alert = {**alert_public(row), "mention": mention}
    view = alert_view(alert, ctx.clock.now(), cap=ALERT_TEXT_CAP)
    return render(request, "alert.html", alert=view, mention=mention, events=ctx.store.events(alert_id),
                  actions=list(ACTIONS), author_link=safe_url(mention["url"]))


async def switch_language(request: web.Request) -> web.Response:
    """A display preference in a cookie; it changes nothing stored, so a plain link may set it."""
    from monitor.web.app import LANG_COOKIE
    from monitor.web.i18n import LANGS
    lang = request.match_info["lang"]
    response = web.HTTPFound(safe_next(request.query.get("next")))
    if lang in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Strict", path="/")
    raise response


async def sources_page(request: web.Request) -> web.Response:
    import json
    rows = request.app[CTX].store.sources()
    for row in rows:
        row["quota"] = json.loads(row.get("quota") or "{}")
    return render(request, "sources.html", sources=rows)


async def alert_action(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound(text="unknown action")
    alert_id = int(request.match_info["id"])
    form = await request.post()
    try:
        act(ctx.store, alert_id, action, request[USER], ctx.clock.now(), note=str(form.get("note", ""))[:500],
            notifiers=ctx.notifiers)
    except KeyError:
        raise web.HTTPNotFound(text=f"no alert {alert_id}")
    except ValueError as exc:
        raise web.HTTPConflict(text=str(exc))
    raise web.HTTPFound(safe_next(form.get("next")))


async def merge_action(request: web.Request) -> web.Response:
    """The queue's "duplicate of #" form: this alert merges into the one typed or picked."""
    ctx = request.app[CTX]
    alert_id = int(request.match_info["id"])
    form = await request.post()
    into = str(form.get("into", "")).strip().lstrip("#")
    if not (into.isdecimal() and len(into) <= 18):   # Persian digits are fine; ² or a 40-digit number is not
        raise web.HTTPBadRequest(text="Merge needs the number of the alert that stays.")
    try:
        merge(ctx.store, alert_id, int(into), request[USER], ctx.clock.now(), note=str(form.get("note", ""))[:500],
              notifiers=ctx.notifiers)
    except KeyError as exc:
        raise web.HTTPNotFound(text=exc.args[0])
    except ValueError as exc:
        raise web.HTTPConflict(text=str(exc))
    raise web.HTTPFound(safe_next(form.get("next")))
