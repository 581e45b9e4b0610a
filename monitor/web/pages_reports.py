"""The reports page (charts drawn on the server as SVG) and its CSV export."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from monitor.clock import parse_iso
from monitor.reports import build_report, teams
from monitor.web.app import CTX, render, request_lang
from monitor.web.charts import SLA_COLOURS, Chart, cap_series, stacked_bars
from monitor.web.csvexport import CHARTS, report_rows, to_csv
from monitor.web.i18n import translator, when
from monitor.web.jalali import MONTHS_FA, PERSIAN_DIGITS, to_jalali
from monitor.web.params import ParamError, report_range

MAX_X_LABELS = 14


def add_routes(app: web.Application) -> None:
    app.router.add_get("/reports", reports_page)
    app.router.add_get("/reports.csv", reports_csv)


def _report(request: web.Request):
    ctx = request.app[CTX]
    now = ctx.clock.now()
    try:
        first, last, start, end = report_range(request.query, ctx.timezone, now)
    except ParamError as exc:
        raise web.HTTPBadRequest(text=str(exc))
    team = request.query.get("team") or None
    return first, last, team, build_report(ctx.store, start, end, now, team=team)


async def reports_page(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    first, last, team, report = _report(request)
    kept = {"from": first.isoformat(), "to": last.isoformat(), **({"team": team} if team else {})}

    def csv_link(chart: str | None = None) -> str:
        return "/reports.csv?" + urlencode({**kept, **({"chart": chart} if chart else {})})
    charts = list(zip(_charts(report, ctx.timezone, request_lang(request)), CHARTS))
    return render(request, "reports.html", report=report, first=first, last=last, team=team,
                  teams=teams(ctx.store), charts=charts, csv_link=csv_link, team_rows=_team_rows(report))


async def reports_csv(request: web.Request) -> web.Response:
    chart = request.query.get("chart") or None
    if chart is not None and chart not in CHARTS:
        raise web.HTTPBadRequest(text=f"chart is one of {', '.join(CHARTS)}")
    first, last, _, report = _report(request)
    name = f"complaints-report-{first.isoformat()}-to-{last.isoformat()}{'-' + chart if chart else ''}.csv"
    return web.Response(text=to_csv(report_rows(report, chart)), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _team_rows(report: dict) -> list[dict]:
    """SLA and response times side by side, one row per team."""
    waits = {r["team"]: r for r in report["first_response"]["teams"]}
    empty = {"count": 0, "median_minutes": None, "p90_minutes": None}
    return [{**s, **{k: waits.get(s["team"], empty)[k] for k in empty}} for s in report["sla"]["teams"]]


def _charts(report: dict, tz: str, lang: str) -> list[Chart]:
    t = translator(lang)
    digits = (lambda s: s.translate(PERSIAN_DIGITS)) if lang == "fa" else str
    complaints = report["complaints"]
    categories, ticks = _time_axis(complaints["buckets"], complaints["bucket_seconds"], tz, lang)
    per = t("Complaints per hour") if complaints["bucket_seconds"] == 3600 else \
        t("Complaints per {n} hours").replace("{n}", digits(str(complaints["bucket_seconds"] // 3600)))
    charts = [
        stacked_bars(Chart(f"chart-{key}", f"{per} {t(title)}", t("Time") + f" ({tz})", t("Complaints")),
                     categories, cap_series(complaints[key], t("other")), ticks=ticks, digits=digits)
        for key, title in (("by_source", "by source"), ("by_lang", "by language"))]
    sla_teams = report["sla"]["teams"]
    charts.append(stacked_bars(
        Chart("chart-sla", t("SLA met and missed by team"), t("Team"), t("Alerts"), height=260),
        [s["team"] for s in sla_teams],
        [{"name": t(outcome), "counts": [s[outcome] for s in sla_teams]} for outcome in SLA_COLOURS],
        colours=list(SLA_COLOURS.values()), digits=digits))
    response = report["first_response"]
    charts.append(stacked_bars(
        Chart("chart-response", t("Time to first response"), t("Time from the post to the first answer"),
              t("Alerts"), height=260),
        [t(label) for label in response["buckets"]],
        cap_series([{"name": r["team"], "counts": r["counts"]} for r in response["teams"]], t("other")),
        digits=digits))
    return charts


def _time_axis(buckets: list[str], step: int, tz: str, lang: str) -> tuple[list[str], list[tuple[int, str]]]:
    """A label per bucket (tooltips) and a few x-axis labels: hours within two days, else days."""
    local = [parse_iso(b).astimezone(ZoneInfo(tz)) for b in buckets]
    categories = [when(b, tz, lang) for b in buckets]
    if len(buckets) * step <= 2 * 86400:
        ticks = [(i, _hour(m, lang)) for i, m in enumerate(local) if m.hour % 3 == 0 and m.minute == 0]
    else:
        days = [(i, _day(m, lang)) for i, m in enumerate(local) if m.hour < step // 3600 and m.minute == 0]
        ticks = days[::max(1, -(-len(days) // MAX_X_LABELS))]
    return categories, ticks


def _hour(moment: datetime, lang: str) -> str:
    text = f"{moment:%H}:00"
    return text.translate(PERSIAN_DIGITS) if lang == "fa" else text


def _day(moment: datetime, lang: str) -> str:
    if lang == "fa":
        _, month, day = to_jalali(moment.date())
        return f"{day} {MONTHS_FA[month - 1]}".translate(PERSIAN_DIGITS)
    return f"{moment:%a %d %b}"
