"""The connector contract: a small class with one async method and an opaque cursor.

    batch = await connector.fetch(session, cursor)   # -> Batch(mentions, cursor, retry_after)

The cursor is JSON the store keeps per source, so a restart neither re-alerts nor skips.
A connector translates its source's failures into connectors.errors; the scheduler does the rest.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

import aiohttp
from pydantic import BaseModel, ConfigDict, Field

from monitor.clock import SystemClock
from monitor.models import Batch


class ConnectorOptions(BaseModel):
    """Options every connector accepts; each kind extends this with its own."""
    model_config = ConfigDict(extra="forbid")
    base_url: str | None = None                  # self-hosted instances, mirrors, tests
    lookback: int = Field(86400, ge=0)           # first run: only items younger than this (seconds)
    max_bytes: int = Field(5 * 1024 * 1024, ge=1024)


class Connector:
    kind: ClassVar[str] = ""
    Options: ClassVar[type[ConnectorOptions]] = ConnectorOptions

    def __init__(self, name: str, options: ConnectorOptions, *, brand_terms: list[str] | None = None,
                 timeout: float = 20, clock=None):
        self.name = name
        self.options = options
        self.brand_terms = brand_terms or []
        self.timeout = timeout
        self.clock = clock or SystemClock()

    async def fetch(self, session: aiohttp.ClientSession, cursor: dict[str, Any] | None) -> Batch:
        raise NotImplementedError

    def too_old(self, published: datetime, cursor: dict[str, Any] | None) -> bool:
        """On a first run (no cursor) only recent items count: never alert on the whole history."""
        if cursor:
            return False
        return published < self.clock.now() - timedelta(seconds=self.options.lookback)
