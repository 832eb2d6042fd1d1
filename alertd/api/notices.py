"""On-call controls for customer notices (writes need the API token).

``POST /api/v1/incidents/{id}/hold|release|cancel`` steer the confirmation window;
``release`` also approves a notice waiting because its audience is large.
``POST /api/v1/incidents/{id}/update`` posts an update (text, stage, eta,
workaround, next update). ``GET /api/v1/incidents/{id}/notices`` and
``GET /api/v1/notices`` show status, audience per segment and channel, history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from alertd.config.durations import Duration
from alertd.notices.model import Stage
from alertd.notices.service import NoticeError, NoticeService
from alertd.notices.tracker import NoticeState

NOTICES_KEY = web.AppKey("notices", NoticeService)


class UpdateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    stage: Stage | None = None
    workaround: str | None = None
    impact: str | None = None
    eta: datetime | float | None = None
    eta_in: Duration | None = None
    next_update_at: datetime | float | None = None
    next_update_in: Duration | None = None

    @field_validator("eta", "next_update_at")
    @classmethod
    def _aware(cls, value: datetime | float | None) -> datetime | float | None:
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2026-11-27T10:00:00Z")
        return value

    def as_update(self, now: float) -> dict[str, Any]:
        return {
            "text": self.text,
            "stage": self.stage,
            "workaround": self.workaround,
            "impact": self.impact,
            "eta": _epoch(self.eta, self.eta_in, now),
            "next_update_at": _epoch(self.next_update_at, self.next_update_in, now),
        }


def _epoch(at: datetime | float | None, within: float | None, now: float) -> float | None:
    if within is not None:
        return now + within
    if isinstance(at, datetime):
        return at.timestamp()
    return at


def register(app: web.Application, service: NoticeService) -> None:
    app[NOTICES_KEY] = service
    app.router.add_get("/api/v1/notices", _list)
    app.router.add_get("/api/v1/incidents/{id}/notices", _get)
    app.router.add_post("/api/v1/incidents/{id}/hold", _hold)
    app.router.add_post("/api/v1/incidents/{id}/release", _release)
    app.router.add_post("/api/v1/incidents/{id}/cancel", _cancel)
    app.router.add_post("/api/v1/incidents/{id}/update", _update)


async def _list(request: web.Request) -> web.Response:
    states = request.app[NOTICES_KEY].tracker.all()
    return web.json_response({"notices": [s.as_json() for s in states]})


async def _get(request: web.Request) -> web.Response:
    return await _act(request, lambda s, i: _sync(s.state(i)))


async def _hold(request: web.Request) -> web.Response:
    return await _act(request, lambda s, i: _sync(s.hold(i)))


async def _release(request: web.Request) -> web.Response:
    return await _act(request, lambda s, i: s.release(i))


async def _cancel(request: web.Request) -> web.Response:
    return await _act(request, lambda s, i: _sync(s.cancel(i)))


async def _update(request: web.Request) -> web.Response:
    try:
        body = UpdateBody.model_validate(await request.json())
    except ValueError as exc:  # JSON errors and ValidationError both land here
        detail = _validation_text(exc) if isinstance(exc, ValidationError) else "invalid JSON"
        raise web.HTTPBadRequest(text=f"{detail}\n") from exc
    update = body.as_update(request.app[NOTICES_KEY].now())
    return await _act(request, lambda s, i: s.update(i, update))


async def _act(request: web.Request, action: Any) -> web.Response:
    service = request.app[NOTICES_KEY]
    try:
        state: NoticeState = await action(service, request.match_info["id"])
    except NoticeError as exc:
        return web.json_response({"error": str(exc)}, status=exc.status)
    return web.json_response(state.as_json())


async def _sync(state: NoticeState) -> NoticeState:
    return state


def _validation_text(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
