"""Run a check every so often until stopped; a store that is briefly unavailable is logged, not fatal."""
from __future__ import annotations

import asyncio
import logging
from typing import Callable

from monitor.store import StoreError

log = logging.getLogger("monitor.periodic")


async def every(seconds: float, stop: asyncio.Event, check: Callable[[], object], name: str,
                first_delay: float = 0.0) -> None:
    if await _stopped(stop, first_delay):
        return
    while not stop.is_set():
        try:
            check()
        except StoreError as exc:
            log.error("store.unavailable task=%s error=%r", name, str(exc))
        except Exception:  # a bug in one check must not end the others or the daemon
            log.exception("task.crashed task=%s", name)
        if await _stopped(stop, seconds):
            return


async def _stopped(stop: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except asyncio.TimeoutError:
        return False
    return True
