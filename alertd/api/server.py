"""The one HTTP listener: /metrics, /healthz, /readyz and the JSON API."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import SecretStr

from alertd.alerts.store import AlertStore
from alertd.api import incidents, silences
from alertd.api.auth import token_middleware
from alertd.matching import compile_matcher
from alertd.observe.metrics import Metrics
from alertd.route.paging import Paging

STORE_KEY = web.AppKey("store", AlertStore)
METRICS_KEY = web.AppKey("metrics", Metrics)
ReadyCheck = Callable[[], bool]
READY_KEY: web.AppKey[ReadyCheck] = web.AppKey("ready")


def build_app(
    store: AlertStore,
    metrics: Metrics,
    ready: Callable[[], bool],
    token: SecretStr | None,
    paging: Paging | None = None,
) -> web.Application:
    app = web.Application(middlewares=[token_middleware(token)])
    app[STORE_KEY] = store
    app[METRICS_KEY] = metrics
    app[READY_KEY] = ready
    app.router.add_get("/metrics", _metrics)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    app.router.add_get("/api/v1/alerts", _alerts)
    if paging is not None:
        incidents.register(app, paging)
        silences.register(app, paging)
    return app


async def _metrics(request: web.Request) -> web.Response:
    body = generate_latest(request.app[METRICS_KEY].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _readyz(request: web.Request) -> web.Response:
    ready = request.app[READY_KEY]()
    return web.json_response({"ready": ready}, status=200 if ready else 503)


async def _alerts(request: web.Request) -> web.Response:
    """Active alerts; ``?state=firing`` and ``?label=value`` filters (glob/regex allowed)."""
    alerts = request.app[STORE_KEY].active()
    state = request.query.get("state")
    try:
        matchers = [compile_matcher(k, v) for k, v in request.query.items() if k not in ("state",)]
    except ValueError as exc:
        raise web.HTTPBadRequest(text=f"{exc}\n") from exc
    selected = [
        a.as_json()
        for a in alerts
        if (state is None or str(a.state) == state) and all(m.matches(a.labels) for m in matchers)
    ]
    return web.json_response({"alerts": selected})
