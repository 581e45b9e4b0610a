"""HTTP for connectors: every request has a timeout, a size cap and a clear error when it goes wrong."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import aiohttp

from connectors.errors import BadResponse, RateLimited, SourceError, TransientError

MAX_BODY = 5 * 1024 * 1024
USER_AGENT = "complaint-monitor/0.1 (brand monitor for support teams)"


@dataclass
class Response:
    status: int
    headers: "aiohttp.typedefs.LooseHeaders"
    body: bytes
    url: str

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadResponse(f"body is not valid UTF-8 (byte {exc.start})") from exc


async def request(session: aiohttp.ClientSession, method: str, url: str, *, headers=None,
                  params=None, data=None, json=None, timeout: float = 20,
                  max_bytes: int = MAX_BODY, ok=(200,)) -> Response:
    """One HTTP request, its errors translated. Statuses in `ok` (and 304) are returned."""
    hdrs = {"User-Agent": USER_AGENT, **(headers or {})}
    try:
        async with session.request(method, url, headers=hdrs, params=params, data=data, json=json,
                                   timeout=aiohttp.ClientTimeout(total=timeout),
                                   max_redirects=5) as resp:
            body = await _read_capped(resp, max_bytes)
            result = Response(resp.status, resp.headers, body, str(resp.url))
    except asyncio.TimeoutError as exc:
        raise TransientError(f"timed out after {timeout:g}s") from exc
    except aiohttp.TooManyRedirects as exc:
        raise BadResponse("too many redirects") from exc
    except aiohttp.ClientConnectionError as exc:
        raise TransientError(f"connection failed: {exc.__class__.__name__}") from exc
    except aiohttp.ClientPayloadError as exc:
        raise TransientError(f"body cut short: {exc.__class__.__name__}") from exc
    except aiohttp.ClientError as exc:
        raise SourceError(f"HTTP error: {exc.__class__.__name__}") from exc  # no URL: it may hold a token
    if result.status in ok or result.status == 304:
        return result
    raise status_error(result)


async def _read_capped(resp: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    declared = resp.content_length
    if declared is not None and declared > max_bytes:
        raise BadResponse(f"body of {declared} bytes is over the {max_bytes} byte cap")
    chunks, size = [], 0
    async for chunk in resp.content.iter_chunked(65536):
        size += len(chunk)
        if size > max_bytes:
            raise BadResponse(f"body is over the {max_bytes} byte cap")
        chunks.append(chunk)
    return b"".join(chunks)


def status_error(resp: Response) -> SourceError:
    """Translate an unexpected status into the exception tree."""
    if resp.status == 429:
        return RateLimited("HTTP 429 Too Many Requests", retry_after_seconds(resp.headers.get("Retry-After")))
    if resp.status in (401, 403):
        from connectors.errors import AuthError
        return AuthError(f"HTTP {resp.status}: access refused")
    if resp.status >= 500 or resp.status in (408,):
        return TransientError(f"HTTP {resp.status} from the source")
    return BadResponse(f"HTTP {resp.status} from the source")


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


# Rate-limit headers differ per source (see CONNECTORS.md): the prefix and the reset's meaning.
# Reddit and Mastodon say x-ratelimit-, X says x-rate-limit-, Bluesky the IETF draft's ratelimit-;
# the reset is seconds-from-now (Reddit), an epoch (X, Bluesky) or an ISO-8601 time (Mastodon).
RATE_LIMIT_PREFIXES = {"reddit": "x-ratelimit-", "mastodon": "x-ratelimit-", "x": "x-rate-limit-",
                       "ietf": "ratelimit-"}


@dataclass
class RateLimit:
    limit: float | None = None
    remaining: float | None = None
    reset_in: float | None = None      # seconds from now until the window resets

    def quota(self) -> dict:
        """What Batch.quota shows: only what the source actually said."""
        shown = {"limit": self.limit, "remaining": self.remaining, "reset_in": self.reset_in}
        return {k: (int(v) if v == int(v) else v) for k, v in shown.items() if v is not None}

    def pause(self, low: float) -> float | None:
        """Seconds to wait before the next poll when only `low` requests are left: slow down before a 429."""
        if self.remaining is not None and self.remaining <= low and self.reset_in is not None:
            return max(1.0, self.reset_in)
        return None


def read_rate_limit(headers, dialect: str, now: datetime | None = None) -> RateLimit:
    prefix = RATE_LIMIT_PREFIXES[dialect]
    return RateLimit(_number(headers.get(prefix + "limit")), _number(headers.get(prefix + "remaining")),
                     reset_seconds(headers.get(prefix + "reset"), now))


def reset_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A reset as seconds from now, whichever way the source wrote it."""
    if not value:
        return None
    now = now or datetime.now(timezone.utc)
    number = _number(value)
    if number is not None:
        # Nobody waits 30 years: a number this large is an epoch, a small one a delay.
        return max(0.0, number - now.timestamp()) if number > 1e9 else max(0.0, number)
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - now).total_seconds())


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None
