"""The connector contract: a small class with one async method and an opaque cursor.

    batch = await connector.fetch(session, cursor)   # -> Batch(mentions, cursor, retry_after)

The cursor is JSON the store keeps per source, so a restart neither re-alerts nor skips.
A connector translates its source's failures into connectors.errors; the scheduler does the rest.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, ClassVar

import aiohttp
from pydantic import BaseModel, ConfigDict, Field, field_validator

from connectors.matching import BrandMatcher, Matcher, Query, QueryError
from monitor.clock import SystemClock
from monitor.models import Batch


class ConnectorOptions(BaseModel):
    """Options every connector accepts; each kind extends this with its own."""
    model_config = ConfigDict(extra="forbid")
    base_url: str | None = None                  # self-hosted instances, mirrors, tests
    lookback: int = Field(86400, ge=0)           # first run: only items younger than this (seconds)
    max_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    # Our own filter, the same on every source (README_SOURCES.md, "the query language"). `match`
    # wins when set; otherwise `require_terms` keeps only items naming one of the brand's terms.
    # A source's own search string, where it has one, is `query` and is written in its dialect.
    match: str | None = None
    require_terms: bool = False

    @field_validator("match")
    @classmethod
    def _match_parses(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Query(value)
            except QueryError as exc:
                raise ValueError(f"not a valid query: {exc}") from exc
        return value


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

    def fallback_terms(self) -> list[str]:
        """Terms to match when the brand has none configured (a kind with its own query overrides)."""
        return []

    @cached_property
    def matcher(self) -> Matcher | None:
        """The local filter (built once, "none" included): `match`, else the brand's terms when
        required, else none."""
        if self.options.match:
            return Query(self.options.match)
        terms = self.brand_terms or self.fallback_terms()
        return BrandMatcher(terms) if self.options.require_terms and terms else None

    def keeps(self, text: str) -> bool:
        """Whether an item passes the local filter; with no filter everything from the source counts."""
        matcher = self.matcher
        return matcher is None or matcher.matches(text)

    async def fetch(self, session: aiohttp.ClientSession, cursor: dict[str, Any] | None) -> Batch:
        raise NotImplementedError

    def too_old(self, published: datetime, cursor: dict[str, Any] | None) -> bool:
        """On a first run (no cursor) only recent items count: never alert on the whole history."""
        if cursor:
            return False
        return published < self.clock.now() - timedelta(seconds=self.options.lookback)
