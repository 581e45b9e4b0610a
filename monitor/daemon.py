"""Lifecycle in one place: sources, pipeline, outbox and demo start together and stop together.

SIGTERM or SIGINT: stop polling, judge what was already fetched, give the outbox a last pass,
close the database; all within a few seconds. Nothing fetched is lost: mentions are stored
before they are judged, and the cursor only moves with the mentions it covers.
"""
from __future__ import annotations

import asyncio
import logging
import signal
import sys

import aiohttp

from connectors import CONNECTORS
from monitor.clock import SystemClock
from monitor.config import ConfigError, load_settings
from monitor.config.load import LoadedConfig
from monitor.demo.setup import demo_sources
from monitor.logsetup import setup_logging
from monitor.noise.gate import NoiseGate
from monitor.noise.silences import SilenceBook
from monitor.notifiers import NOTIFIERS
from monitor.notifiers.outbox import OutboxSender
from monitor.periodic import every
from monitor.pipeline import Pipeline
from monitor.scheduler import SourceRunner
from monitor.sla.deadline import Deadlines
from monitor.sla.ticker import Level, SlaTicker
from monitor.store import Store, StoreError
from monitor.watch.silent_sources import SilentSourceWatch, Watched
from monitor.watch.storm import StormWatch
from monitor.web.server import WebServer

log = logging.getLogger("monitor.daemon")

STOP_GRACE = 3.0   # seconds the final judge-and-deliver pass may take


def run_daemon(args) -> int:
    setup_logging()
    config = load_settings(args.config)
    try:
        return asyncio.run(Daemon(config, demo=args.demo, once=args.once, db=args.db, port=args.port).run())
    except StoreError as exc:
        print(f"store error: {exc}", file=sys.stderr)
        return 1


class Daemon:
    def __init__(self, config: LoadedConfig, *, demo: bool = False, once: bool = False,
                 db: str | None = None, clock=None, port: int | None = None):
        self.port = port
        self.config = config
        self.demo = demo or not config.sources
        self.once = once
        self.clock = clock or SystemClock()
        path = db or config.settings.store.path
        self.store = Store(path if db or path.startswith("/") else config.base_dir / path)
        self.stop = asyncio.Event()
        self.reload_requested = asyncio.Event()
        self.replay = None
        self.web: WebServer | None = None
        self.demo_configured: list = []
        self.runners: list[SourceRunner] = []
        self.senders: list[OutboxSender] = []

    async def run(self) -> int:
        if not self.once:
            self._install_signal_handlers()
        async with aiohttp.ClientSession() as session:
            self.session = session
            if self.demo:
                self.replay, self.demo_configured = await demo_sources(self.clock)
            self.pipeline = Pipeline(self.store, self.config.ruleset, [], self.clock)
            self._wire(self.config)
            if not self.once and self.config.settings.web.enabled:
                await self._start_web()
            self._announce()
            if self.once:
                await asyncio.gather(*(r.poll_once() for r in self.runners))
                self.pipeline.drain()
                self.ticker.tick()
                self._watch_once()
                await asyncio.gather(*(s.deliver_due() for s in self.senders))
            else:
                await self._serve()
            if self.web:
                await self.web.stop()
            if self.replay:
                await self.replay.stop()
        self.store.close()
        log.info("daemon.stopped")
        return 0

    @staticmethod
    def _pushed(config: LoadedConfig) -> dict:
        return {c.common.name: c.options for c in config.sources
                if getattr(CONNECTORS[c.common.kind], "pushed", False)}

    async def _start_web(self) -> None:
        settings = self.config.settings.web
        if self.port is not None:
            settings = settings.model_copy(update={"port": self.port})
        teams = self.config.settings.teams
        web = WebServer(settings, self.store, self.clock, self.pipeline.notifiers, self.demo,
                        timezone=teams[0].timezone if teams else "UTC", ingest=self._pushed(self.config),
                        on_ingest=self.pipeline.wakeup.set, ruleset=self.config.ruleset)
        try:
            await web.start()
        except OSError as exc:
            # The queue, sources and notifiers keep working without the dashboard.
            log.error("web.failed host=%s port=%s error=%r", settings.host, settings.port, exc.strerror or str(exc))
            print(f"  Dashboard could not start on {settings.host}:{settings.port}: {exc.strerror or exc}", flush=True)
            return
        self.web = web

    def _wire(self, config: LoadedConfig) -> None:
        """Build sources, notifiers and rules from a configuration (at start and on SIGHUP)."""
        settings = config.settings
        sources = self.demo_configured if self.demo else config.sources
        brand_terms = [t for b in settings.brands for t in b.terms]
        self.runners = [self._runner(c, self.session, brand_terms) for c in sources
                        if not getattr(CONNECTORS[c.common.kind], "pushed", False)]
        notifiers = [NOTIFIERS[c.common.kind](c.common.name, c.options) for c in config.notifiers]
        self.pipeline.ruleset = config.ruleset
        self.pipeline.notifiers = [n.name for n in notifiers]
        self.pipeline.max_age = settings.sla.alert_max_age
        self.pipeline.deadlines = Deadlines.from_settings(settings)
        self.ticker = SlaTicker(self.store, self.clock, warn_before=settings.sla.warn_before,
                                notifiers=[n.name for n in notifiers],
                                ladder=[Level(lv.after, lv.notify) for lv in settings.sla.escalation])
        self.pipeline.own_handles = {h.lower().lstrip("@") for b in settings.brands for h in b.own_handles}
        for r in self.runners:
            r.on_new = self.pipeline.wakeup.set
        link_base = settings.web.public_url or f"http://{settings.web.host}:{settings.web.port}"
        quiet = {c.common.name: c.common.quiet_hours.quiet_hours() for c in config.notifiers if c.common.quiet_hours}
        self.senders = [OutboxSender(n, self.store, self.session, self.clock, link_base, quiet.get(n.name))
                        for n in notifiers]
        self.pipeline.on_alert = self._wake_senders
        self._wire_noise(config, sources, brand_terms)
        if self.web:
            self.web.ctx.notifiers = self.pipeline.notifiers
            self.web.ctx.ingest = self._pushed(config)
            self.web.ctx.ruleset = config.ruleset
        self.config = config

    def _wire_noise(self, config: LoadedConfig, sources: list, brand_terms: list[str]) -> None:
        """Realert limits, silences, storm and silent-source watches, from one configuration."""
        settings = config.settings
        everyone = self.pipeline.notifiers
        self.store.gate = NoiseGate(
            settings.realert.limit() if settings.realert else None,
            {r.name: r.realert for r in config.ruleset.rules if r.realert},
            SilenceBook([s.silence(i) for i, s in enumerate(settings.silences)]))
        self.storm = (StormWatch(self.store, self.clock, settings.storm, settings.storm.notify or everyone, brand_terms)
                      if settings.storm.enabled else None)
        watched = [Watched(c.common.name, c.common.kind, c.common.silence_after.nothing_new,
                           c.common.silence_after.failing) for c in sources]
        self.silent_sources = SilentSourceWatch(self.store, self.clock, watched,
                                                settings.source_silence.notify or everyone,
                                                settings.source_silence.priority)

    def _wake_senders(self) -> None:
        for sender in self.senders:
            sender.wakeup.set()

    def _watch_once(self) -> None:
        if self.storm:
            self.storm.tick()
        self.silent_sources.tick()

    def _start_workers(self) -> list[asyncio.Task]:
        settings = self.config.settings
        tasks = [asyncio.create_task(r.run_forever(self.stop), name=f"source:{r.name}") for r in self.runners]
        tasks.append(asyncio.create_task(self.ticker.run_forever(self.stop, settings.sla.tick), name="sla"))
        if self.storm:
            tasks.append(asyncio.create_task(every(settings.storm.check_every, self.stop, self.storm.tick, "storm"),
                                             name="storm"))
        # The first look waits one period, so sources have polled once since start before anyone is told
        # they are silent (a daemon that was down itself is not a silent source).
        check = settings.source_silence.check_every
        tasks.append(asyncio.create_task(every(check, self.stop, self.silent_sources.tick, "silent-sources", check),
                                         name="silent-sources"))
        return tasks + [asyncio.create_task(s.run_forever(self.stop), name=f"notifier:{s.notifier.name}")
                        for s in self.senders]

    def _install_signal_handlers(self) -> None:
        """Before anything is announced, so a signal never meets Python's default (instant death)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop.set)
        loop.add_signal_handler(signal.SIGHUP, self.reload_requested.set)

    async def _serve(self) -> None:
        reload_requested = self.reload_requested
        pipeline_task = asyncio.create_task(self.pipeline.run_forever(self.stop), name="pipeline")
        workers = self._start_workers()
        while not self.stop.is_set():
            waiters = [asyncio.create_task(self.stop.wait()), asyncio.create_task(reload_requested.wait())]
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()
            if reload_requested.is_set() and not self.stop.is_set():
                reload_requested.clear()
                workers = await self._reload(workers)
        log.info("daemon.stopping")
        await _cancel(workers + [pipeline_task])
        self.pipeline.drain()
        try:
            await asyncio.wait_for(asyncio.gather(*(s.deliver_due() for s in self.senders)), STOP_GRACE)
        except asyncio.TimeoutError:
            log.warning("daemon.deliveries_left_for_next_start")

    async def _reload(self, workers: list[asyncio.Task]) -> list[asyncio.Task]:
        """SIGHUP: load the configuration again; if it is invalid, say why and keep the running one."""
        try:
            config = load_settings(self.config.path)
        except ConfigError as exc:
            log.error("config.reload_rejected issues=%d (the running configuration stays)", len(exc.issues))
            for issue in exc.issues:
                log.error("config.issue %s", issue)
            return workers
        await _cancel(workers)
        self._wire(config)
        log.info("config.reloaded sources=%d notifiers=%d rules=%d", len(self.runners), len(self.senders),
                 len(config.ruleset.rules))
        return self._start_workers()

    def _runner(self, configured, session, brand_terms) -> SourceRunner:
        common = configured.common
        connector = CONNECTORS[common.kind](common.name, configured.options, brand_terms=brand_terms,
                                            timeout=common.timeout, clock=self.clock)
        return SourceRunner(connector, self.store, session, interval=common.interval, jitter=common.jitter,
                            max_interval=common.max_interval, clock=self.clock)

    def _announce(self) -> None:
        runners = self.runners
        mode = "demo (no sources configured, replaying bundled mentions)" if self.demo else "live"
        log.info("daemon.started mode=%s sources=%d db=%s", mode, len(runners), self.store.path)
        lines = [f"Complaint monitor running ({mode}).",
                 f"  Sources:   {', '.join(r.name for r in runners) or 'none'}"]
        if self.web:
            lines.append(f"  Dashboard: {self.web.url}")
            if self.web.one_time_login:
                name, password = self.web.one_time_login
                lines.append(f"             log in as {name} / {password}  (this run only; add web.users to keep one)")
        lines += ["  Queue:     python run.py queue list      (alerts also appear below as they are created)",
                  f"  Store:     {self.store.path}", "  Stop:      Ctrl-C"]
        print("\n".join(lines), flush=True)


async def _cancel(tasks: list[asyncio.Task]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
