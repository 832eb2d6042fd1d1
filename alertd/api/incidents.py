"""``/api/v1/incidents``: list with filters, and acknowledge.

An ack stops escalation and is forwarded to pagers that track incidents (PagerDuty);
the incident stays listed and still resolves when its alert does.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from alertd.alerts.incidents import Incident
from alertd.api.body import read_json
from alertd.matching import compile_matcher
from alertd.route.paging import Paging

PAGING_KEY = web.AppKey("paging", Paging)
FILTER_KEYS = frozenset({"state", "rule", "limit"})
STATES = frozenset({"open", "acknowledged", "resolved"})


def register(app: web.Application, paging: Paging) -> None:
    app[PAGING_KEY] = paging
    app.router.add_get("/api/v1/incidents", _list)
    app.router.add_get("/api/v1/incidents/{id}", _get)
    app.router.add_post("/api/v1/incidents/{id}/ack", _ack)


def incident_json(incident: Incident) -> dict[str, Any]:
    body = incident.as_json()
    body["escalation"] = incident.extra.get("escalation")
    return body


async def _list(request: web.Request) -> web.Response:
    """``?state=open|acknowledged|resolved``, ``?rule=``, ``?label=pattern``, ``?limit=``."""
    query = request.query
    state = query.get("state")
    if state is not None and state not in STATES:
        raise web.HTTPBadRequest(text=f"state must be one of {', '.join(sorted(STATES))}\n")
    try:
        matchers = [compile_matcher(k, v) for k, v in query.items() if k not in FILTER_KEYS]
        limit = int(query.get("limit", "0"))
    except ValueError as exc:
        raise web.HTTPBadRequest(text=f"{exc}\n") from exc
    selected = [
        incident_json(i)
        for i in request.app[PAGING_KEY].incidents.all()
        if (state is None or incident_json(i)["state"] == state)
        and query.get("rule", i.alert.rule) == i.alert.rule
        and all(m.matches(i.alert.labels) for m in matchers)
    ]
    if limit > 0:
        selected = selected[-limit:]
    return web.json_response({"incidents": selected})


async def _get(request: web.Request) -> web.Response:
    incident = request.app[PAGING_KEY].incidents.get(request.match_info["id"])
    if incident is None:
        raise web.HTTPNotFound(text="no such incident (closed ones are kept for a while)\n")
    return web.json_response({"incident": incident_json(incident)})


async def _ack(request: web.Request) -> web.Response:
    body = await read_json(request)
    by = str(body.get("by") or "api")
    incident_id = request.match_info["id"]
    if request.app[PAGING_KEY].incidents.get(incident_id) is None:
        raise web.HTTPNotFound(text="no such incident\n")
    incident = await request.app[PAGING_KEY].acknowledge(incident_id, by, time.time())
    assert incident is not None
    return web.json_response({"incident": incident_json(incident)})
