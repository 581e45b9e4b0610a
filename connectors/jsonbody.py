"""JSON bodies from sources: the content type and the syntax checked, errors named for the team."""
from __future__ import annotations

import json
from typing import Any

from connectors.errors import BadResponse
from connectors.http import Response


def parse_json(resp: Response, expect: type = dict) -> Any:
    if resp.content_type not in ("application/json", "text/json") and not resp.content_type.endswith("+json"):
        raise BadResponse(f"expected JSON, got {resp.content_type or 'no content type'}")
    try:
        body = json.loads(resp.text())
    except json.JSONDecodeError as exc:
        raise BadResponse(f"malformed JSON at line {exc.lineno} column {exc.colno}") from exc
    if not isinstance(body, expect):
        raise BadResponse(f"expected a JSON {'object' if expect is dict else 'array'}")
    return body
