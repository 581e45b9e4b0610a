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
from monitor.config import load_settings
from monitor.config.load import LoadedConfig
from monitor.demo.setup import demo_sources
from monitor.logsetup import setup_logging
from monitor.notifiers import NOTIFIERS
from monitor.notifiers.outbox import OutboxSender
from monitor.pipeline import Pipeline
from monitor.scheduler import SourceRunner
from monitor.store import Store, StoreError

log = logging.getLogger("monitor.daemon")

STOP_GRACE = 3.0   # seconds the final judge-and-deliver pass may take


def run_daemon(args) -> int:
    setup_logging()
    config = load_settings(args.config)
    try:
        return asyncio.run(Daemon(config, demo=args.demo, once=args.once, db=args.db).run())
    except StoreError as exc:
        print(f"store error: {exc}", file=sys.stderr)
        return 1


class Daemon:
    def __init__(self, config: LoadedConfig, *, demo: bool = False, once: bool = False,
                 db: str | None = None, clock=None):
        self.config = config
        self.demo = demo or not config.sources
        self.once = once
        self.clock = clock or SystemClock()
        path = db or config.settings.store.path
        self.store = Store(path if db or path.startswith("/") else config.base_dir / path)
        self.stop = asyncio.Event()
        self.replay = None

    async def run(self) -> int:
        settings = self.config.settings
        async with aiohttp.ClientSession() as session:
            sources = self.config.sources
            if self.demo:
                self.replay, sources = await demo_sources(self.clock)
            brand_terms = [t for b in settings.brands for t in b.terms]
            own = [h for b in settings.brands for h in b.own_handles]
            runners = [self._runner(c, session, brand_terms) for c in sources]
            notifiers = [NOTIFIERS[c.common.kind](c.common.name, c.options) for c in self.config.notifiers]
            pipeline = Pipeline(self.store, self.config.ruleset, [n.name for n in notifiers], self.clock, own)
            for r in runners:
                r.on_new = pipeline.wakeup.set
            link_base = settings.web.public_url or f"http://{settings.web.host}:{settings.web.port}"
            senders = [OutboxSender(n, self.store, session, self.clock, link_base) for n in notifiers]
            self._announce(runners)
            if self.once:
                await asyncio.gather(*(r.poll_once() for r in runners))
                pipeline.drain()
                await asyncio.gather(*(s.deliver_due() for s in senders))
            else:
                await self._serve(runners, pipeline, senders)
            if self.replay:
                await self.replay.stop()
        self.store.close()
        log.info("daemon.stopped")
        return 0

    async def _serve(self, runners, pipeline, senders) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop.set)
        tasks = [asyncio.create_task(r.run_forever(self.stop), name=f"source:{r.name}") for r in runners]
        tasks.append(asyncio.create_task(pipeline.run_forever(self.stop), name="pipeline"))
        tasks += [asyncio.create_task(s.run_forever(self.stop), name=f"notifier:{s.notifier.name}")
                  for s in senders]
        await self.stop.wait()
        log.info("daemon.stopping")
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        pipeline.drain()
        try:
            await asyncio.wait_for(asyncio.gather(*(s.deliver_due() for s in senders)), STOP_GRACE)
        except asyncio.TimeoutError:
            log.warning("daemon.deliveries_left_for_next_start")

    def _runner(self, configured, session, brand_terms) -> SourceRunner:
        common = configured.common
        connector = CONNECTORS[common.kind](common.name, configured.options, brand_terms=brand_terms,
                                            timeout=common.timeout, clock=self.clock)
        return SourceRunner(connector, self.store, session, interval=common.interval, jitter=common.jitter,
                            max_interval=common.max_interval, clock=self.clock)

    def _announce(self, runners) -> None:
        mode = "demo (no sources configured, replaying bundled mentions)" if self.demo else "live"
        log.info("daemon.started mode=%s sources=%d db=%s", mode, len(runners), self.store.path)
        print(f"Complaint monitor running ({mode}).\n"
              f"  Sources: {', '.join(r.name for r in runners) or 'none'}\n"
              f"  Queue:   python run.py queue list      (alerts also appear below as they are created)\n"
              f"  Store:   {self.store.path}\n"
              f"  Stop:    Ctrl-C", flush=True)
