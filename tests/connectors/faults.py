"""Failures every JSON source can produce, as aiohttp handlers: each connector's test file runs them
against its own endpoint (its 429 dialect stays in its own file, because the headers differ).

A connector under these tests is built with timeout=TIMEOUT and max_bytes=MAX_BYTES.
"""
from __future__ import annotations

import asyncio

from aiohttp import web

from connectors.errors import BadResponse, TransientError

TIMEOUT = 0.3
MAX_BYTES = 64 * 1024


async def _server_error(request):
    return web.Response(status=503, text="upstream connect error or disconnect/reset before headers")


async def _html(request):
    return web.Response(text="<!doctype html><html><head><title>Blocked</title></head><body>whoa there</body></html>",
                        content_type="text/html")


async def _malformed(request):
    return web.Response(text='{"items": [{"id": "1",', content_type="application/json")


async def _bad_encoding(request):
    return web.Response(body=b'{"items": ["caf\xe9 \xff"]}', content_type="application/json")


async def _oversized(request):
    return web.Response(body=b'{"pad": "' + b"x" * (MAX_BYTES * 2) + b'"}', content_type="application/json")


async def _slow(request):
    await asyncio.sleep(TIMEOUT * 5)
    return web.json_response({})


FAULTS = {
    # name: (handler, exception, words in the message)
    "5xx": (_server_error, TransientError, "503"),
    "HTML instead of JSON": (_html, BadResponse, "expected JSON, got text/html"),
    "malformed JSON": (_malformed, BadResponse, "malformed JSON"),
    "invalid encoding": (_bad_encoding, BadResponse, "not valid UTF-8"),
    "oversized body": (_oversized, BadResponse, "byte cap"),
    "timeout": (_slow, TransientError, "timed out"),
}
