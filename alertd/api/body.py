"""Reading JSON request bodies with errors a curl user can act on."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


async def read_json(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object; empty body -> {}; anything else -> 400."""
    if not request.can_read_body:
        return {}
    text = await request.text()
    if not text.strip():
        return {}
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise web.HTTPBadRequest(text=f"body is not valid JSON: {exc}\n") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object\n")
    return body
