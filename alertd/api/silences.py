"""``/api/v1/silences``: list, create, expire (writes need the bearer token).

Create body::

    {"matchers": {"service": "checkout", "region": "eu-*"},
     "endsAt": "2026-11-22T12:00:00Z" | "duration": "2h",
     "startsAt": "...optional...", "createdBy": "alice", "comment": "deploy"}

``matchers`` may also be Alertmanager's list form
(``[{"name": .., "value": .., "isRegex": .., "isEqual": ..}]``).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from aiohttp import web

from alertd.alerts.silences import new_silence
from alertd.api.body import read_json
from alertd.api.incidents import PAGING_KEY
from alertd.config.durations import parse_duration
from alertd.route.paging import Paging

STATES = frozenset({"active", "pending", "expired"})


def register(app: web.Application, paging: Paging) -> None:
    app[PAGING_KEY] = paging
    app.router.add_get("/api/v1/silences", _list)
    app.router.add_post("/api/v1/silences", _create)
    app.router.add_delete("/api/v1/silences/{id}", _expire)


async def _list(request: web.Request) -> web.Response:
    """``?state=active|pending|expired``."""
    now = time.time()
    state = request.query.get("state")
    if state is not None and state not in STATES:
        raise web.HTTPBadRequest(text=f"state must be one of {', '.join(sorted(STATES))}\n")
    silences = request.app[PAGING_KEY].silences.all()
    return web.json_response(
        {"silences": [s.as_json(now) for s in silences if state in (None, s.state(now))]}
    )


async def _create(request: web.Request) -> web.Response:
    body = await read_json(request)
    now = time.time()
    try:
        starts = _time(body["startsAt"]) if body.get("startsAt") else now
        if body.get("endsAt"):
            ends = _time(body["endsAt"])
        elif body.get("duration"):
            ends = starts + parse_duration(body["duration"])
        else:
            raise ValueError("give endsAt (RFC 3339) or duration (e.g. 2h)")
        silence = new_silence(
            _matchers(body.get("matchers")),
            starts,
            ends,
            str(body.get("createdBy", "")),
            str(body.get("comment", "")),
        )
    except ValueError as exc:
        raise web.HTTPBadRequest(text=f"{exc}\n") from None
    await request.app[PAGING_KEY].silences.add(silence)
    return web.json_response({"silence": silence.as_json(now)}, status=201)


async def _expire(request: web.Request) -> web.Response:
    now = time.time()
    silence = await request.app[PAGING_KEY].silences.expire(request.match_info["id"], now)
    if silence is None:
        raise web.HTTPNotFound(text="no such silence\n")
    return web.json_response({"silence": silence.as_json(now)})


def _time(text: Any) -> float:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ValueError(
            f"invalid time {text!r}: use RFC 3339, e.g. 2026-11-22T12:00:00Z"
        ) from None


def _matchers(raw: Any) -> dict[str, str]:
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    if isinstance(raw, list):
        out = {}
        for item in raw:
            if not isinstance(item, dict) or "name" not in item or "value" not in item:
                raise ValueError("each matcher needs name and value")
            value = str(item["value"])
            value = f"~{value}" if item.get("isRegex") else value
            out[str(item["name"])] = value if item.get("isEqual", True) else f"!{value}"
        return out
    raise ValueError('matchers must be a mapping like {"service": "checkout"}')
