"""``POST /-/reload``: reload the configuration, as Prometheus does (token required).

Answers 200 with the rule diff when the new configuration is in place, 400 with the
``PATH:LINE: message`` problems when it was rejected (the old one keeps running).
``?dry_run=1`` validates and diffs without applying.
"""

from __future__ import annotations

from aiohttp import web

from alertd.config.reload import Reloader

RELOADER_KEY = web.AppKey("reloader", Reloader)


def add_reload_route(app: web.Application, reloader: Reloader) -> None:
    app[RELOADER_KEY] = reloader
    app.router.add_post("/-/reload", _reload)


async def _reload(request: web.Request) -> web.Response:
    dry_run = request.query.get("dry_run", "").lower() in ("1", "true", "yes")
    outcome = await request.app[RELOADER_KEY].reload(dry_run=dry_run)
    return web.json_response(outcome.as_json(), status=200 if outcome.ok else 400)
