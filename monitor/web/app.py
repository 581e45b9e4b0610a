"""The web application: security headers, authentication, and the routes of pages and API."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from aiohttp import web

from monitor.store import Store
from monitor.web import present
from monitor.web.auth import SESSION_COOKIE, Signer

HERE = Path(__file__).parent
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
PUBLIC = ("/healthz", "/login", "/static/", "/ingest/")   # /ingest/ is verified by its HMAC signature


@dataclass
class WebContext:
    store: Store
    clock: object
    users: dict[str, str]                       # name -> scrypt hash
    api_tokens: list[str] = field(default_factory=list)
    notifiers: list[str] = field(default_factory=list)
    signer: Signer = field(default_factory=Signer)
    timezone: str = "UTC"                         # the team's, for every time shown
    ingest: dict = field(default_factory=dict)    # pushed source name -> its options (secret, window)
    on_ingest: object = None                      # called after mentions are stored (wakes the pipeline)
    ruleset: object = None                        # the loaded rules.engine.RuleSet, for the rules page


CTX = web.AppKey("ctx", WebContext)
USER = web.RequestKey("user", str)
CSRF = web.RequestKey("csrf", str)
TEMPLATES = web.AppKey("templates", jinja2.Environment)


def create_app(ctx: WebContext) -> web.Application:
    app = web.Application(middlewares=[security_headers, authenticate], client_max_size=64 * 1024)
    app[CTX] = ctx
    app[TEMPLATES] = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                        autoescape=True, trim_blocks=True, lstrip_blocks=True)
    # For places that cannot isolate text with dir="auto" (an <option>'s label, a title attribute).
    app[TEMPLATES].filters["plain_label"] = present.plain_label
    from monitor.web import api, api_stats, pages, pages_mentions, pages_reports, pages_rules
    for module in (pages, pages_mentions, pages_rules, pages_reports, api, api_stats):
        module.add_routes(app)
    app.router.add_static("/static/", HERE / "static", append_version=True)
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/ingest/{source}", ingest)
    from monitor.web.metrics import metrics
    app.router.add_get("/metrics", metrics)
    return app


@web.middleware
async def security_headers(request: web.Request, handler):
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if isinstance(response, web.HTTPException):
        raise response
    return response


@web.middleware
async def authenticate(request: web.Request, handler):
    """Everything but /healthz, /login and static files needs a session or an API token."""
    if request.path.startswith(PUBLIC):
        return await handler(request)
    ctx = request.app[CTX]
    bearer = request.headers.get("Authorization", "")
    if bearer.startswith("Bearer ") and bearer[7:] in ctx.api_tokens:
        request[USER] = "api"
        return await handler(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    user = ctx.signer.user_of(cookie)
    if user is None:
        if request.path.startswith("/api/"):
            raise web.HTTPUnauthorized(text='{"error": "login or bearer token required"}',
                                       content_type="application/json")
        raise web.HTTPFound("/login")
    if request.method not in ("GET", "HEAD"):
        form = await request.post()
        token = form.get("csrf") or request.headers.get("X-CSRF-Token")
        if not ctx.signer.csrf_ok(cookie, token):
            raise web.HTTPForbidden(text="CSRF token missing or wrong")
    request[USER], request[CSRF] = user, ctx.signer.csrf(cookie)
    return await handler(request)


DELIVERIES_KEPT = 1000   # well beyond what arrives within the replay window


async def ingest(request: web.Request) -> web.Response:
    """Verify, parse, store, answer quickly: the pipeline judges the mentions in its own time."""
    from connectors.webhook_ingest import MAX_BODY, IngestError, verify_and_parse
    ctx = request.app[CTX]
    name = request.match_info["source"]
    options = ctx.ingest.get(name)
    if options is None:
        raise web.HTTPNotFound(text="no such webhook source")
    body = await read_up_to(request.content, MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=len(body))
    now = ctx.clock.now()
    ctx.store.ensure_source(name, "webhook")
    # Delivery ids seen lately live in the source's cursor, saved with the mentions in one
    # transaction: a sender's retry of a delivery we stored is answered 202 and stores nothing.
    recent = list((ctx.store.cursor(name) or {}).get("deliveries", []))

    def seen(delivery: str) -> bool:
        if delivery in recent:
            return True
        recent.append(delivery)
        return False
    try:
        mentions = verify_and_parse(request.headers, body, options.secret.get_secret_value(), now, seen,
                                    source=name, window=options.replay_window)
    except IngestError as exc:
        return web.json_response({"error": str(exc)}, status=exc.status)
    new = ctx.store.save_poll(name, mentions, {"deliveries": recent[-DELIVERIES_KEPT:]}, {}, now, now)
    if ctx.on_ingest:
        ctx.on_ingest()
    return web.json_response({"accepted": len(mentions), "new": len(new)}, status=202)


async def read_up_to(content, limit: int) -> bytes:
    """The body up to `limit` bytes. One read(n) returns only what has arrived so far (at most n), so a
    large push read that way was cut short and failed its signature check."""
    body = bytearray()
    while len(body) < limit and (chunk := await content.read(limit - len(body))):
        body += chunk
    return bytes(body)


async def healthz(request: web.Request) -> web.Response:
    try:
        request.app[CTX].store.rows("SELECT 1")
    except Exception as exc:  # the supervisor needs a status, not a traceback
        return web.json_response({"status": "failing", "store": str(exc)[:200]}, status=503)
    return web.json_response({"status": "ok"})


LANG_COOKIE = "monitor_lang"


def request_lang(request: web.Request) -> str:
    from monitor.web.i18n import LANGS
    lang = request.cookies.get(LANG_COOKIE, "en")
    return lang if lang in LANGS else "en"


def render(request: web.Request, template: str, **context) -> web.Response:
    from monitor.web.i18n import number_text, translator, when
    lang = request_lang(request)
    tz = request.app[CTX].timezone
    html = request.app[TEMPLATES].get_template(template).render(
        user=request.get(USER), csrf=request.get(CSRF, ""), lang=lang, dir="rtl" if lang == "fa" else "ltr",
        path=request.path_qs, num=lambda value: number_text(value, lang),
        t=translator(lang), when=lambda iso_text: when(iso_text, tz, lang), **context)
    return web.Response(text=html, content_type="text/html", charset="utf-8")
