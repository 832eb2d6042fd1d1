"""Planned maintenance over HTTP: list, declare (or replace), cancel.

``POST /api/v1/maintenance`` takes the same fields as ``notices.maintenance`` in
alertd.yml. Windows declared or cancelled here are written to the compacted topic
``notices.maintenance_topic`` first: every process of the group follows it, and they
survive restarts.
"""

from __future__ import annotations

from aiohttp import web
from pydantic import ValidationError

from alertd.api.notices import NOTICES_KEY
from alertd.notices.config import MaintenanceSpec


def register(app: web.Application) -> None:
    """Needs ``api.notices.register`` first (shares the service key)."""
    app.router.add_get("/api/v1/maintenance", _list)
    app.router.add_post("/api/v1/maintenance", _declare)
    app.router.add_delete("/api/v1/maintenance/{id}", _cancel)


async def _list(request: web.Request) -> web.Response:
    service = request.app[NOTICES_KEY]
    now, book = service.now(), service.maintenance
    return web.json_response({"maintenance": [w.as_json(now) for w in book.all()]})


async def _declare(request: web.Request) -> web.Response:
    service = request.app[NOTICES_KEY]
    try:
        spec = MaintenanceSpec.model_validate(await request.json())
    except ValidationError as exc:
        text = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()
        )
        raise web.HTTPBadRequest(text=f"{text}\n") from exc
    except ValueError as exc:
        raise web.HTTPBadRequest(text="invalid JSON\n") from exc
    unknown = [s for s in spec.segments if s not in service.directory.segments]
    if unknown:
        raise web.HTTPBadRequest(text=f"unknown segments: {', '.join(unknown)}\n")
    window = await service.maintenance.declare(spec)
    await service.tick()
    return web.json_response(window.as_json(service.now()), status=201)


async def _cancel(request: web.Request) -> web.Response:
    service = request.app[NOTICES_KEY]
    window = await service.maintenance.cancel(request.match_info["id"])
    if window is None:
        raise web.HTTPNotFound(text="no such maintenance window\n")
    return web.json_response(window.as_json(service.now()))
