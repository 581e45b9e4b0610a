"""Server-sent events, read from an aiohttp response: `event:` and `data:` lines up to a blank line.

Comment lines (Mastodon's ":thump" heartbeat) are skipped; each event is capped in size, because a
stream that never sends a blank line would otherwise grow without bound.
"""
from __future__ import annotations

from typing import AsyncIterator

import aiohttp

from connectors.errors import BadResponse


async def events(resp: aiohttp.ClientResponse, max_bytes: int) -> AsyncIterator[tuple[str, str]]:
    """Yields (event name, data) per event; the name defaults to "message" as the spec says."""
    name, data, size = "", [], 0
    buffer = b""
    async for chunk in resp.content.iter_any():
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        size += sum(len(line) for line in lines)
        if len(buffer) > max_bytes or size > max_bytes:
            raise BadResponse(f"a stream event is over the {max_bytes} byte cap")
        for raw in lines:
            line = _decode(raw.rstrip(b"\r"))
            if not line:
                if data:
                    yield name or "message", "\n".join(data)
                name, data, size = "", [], 0
            elif line.startswith(":"):
                continue
            else:
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "event":
                    name = value
                elif field == "data":
                    data.append(value)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadResponse(f"stream is not valid UTF-8 (byte {exc.start})") from exc
