"""/metrics in the Prometheus text format, computed from the store at scrape time (prometheus-client)."""
from __future__ import annotations

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from monitor.store import Store


class StoreCollector:
    def __init__(self, store: Store):
        self.store = store

    def collect(self):
        sources = self.store.sources()
        polls = CounterMetricFamily("monitor_polls", "Polls per source", labels=["source"])
        mentions = CounterMetricFamily("monitor_mentions", "New mentions stored per source", labels=["source"])
        failing = GaugeMetricFamily("monitor_source_failures_in_a_row", "Failed polls in a row", labels=["source"])
        for s in sources:
            polls.add_metric([s["name"]], s["polls"])
            mentions.add_metric([s["name"]], s["mentions_total"])
            failing.add_metric([s["name"]], s["failures"])
        yield from (polls, mentions, failing)
        alerts = GaugeMetricFamily("monitor_alerts", "Alerts by state", labels=["state"])
        for row in self.store.rows("SELECT state, COUNT(*) n FROM alerts GROUP BY state"):
            alerts.add_metric([row["state"]], row["n"])
        yield alerts
        breaches = self.store.rows("SELECT COUNT(*) n FROM events WHERE kind = 'breached'")[0]["n"]
        yield CounterMetricFamily("monitor_sla_breaches", "Alerts that passed their deadline", value=breaches)
        backlog = GaugeMetricFamily("monitor_delivery_backlog", "Notifications waiting to be sent", labels=["notifier"])
        for row in self.store.rows("SELECT notifier, COUNT(*) n FROM deliveries WHERE state = 'pending' GROUP BY notifier"):
            backlog.add_metric([row["notifier"]], row["n"])
        yield backlog


async def metrics(request: web.Request) -> web.Response:
    from monitor.web.app import CTX
    registry = CollectorRegistry()
    registry.register(StoreCollector(request.app[CTX].store))
    return web.Response(body=generate_latest(registry), content_type="text/plain", charset="utf-8",
                        headers={"X-Content-Format": "prometheus-0.0.4"})
