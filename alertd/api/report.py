"""``/report`` (HTML) and ``/api/v1/report`` (JSON): the proof report of the live daemon.

Both take ``?since=`` and ``?until=`` (RFC 3339, epoch seconds, or a duration ago
such as ``24h``); by default every incident the daemon remembers.
"""

from __future__ import annotations

import time

from aiohttp import web

from alertd.proof.correlate import Report
from alertd.proof.ledger import ProofLedger
from alertd.proof.page import render_page
from alertd.proof.timefmt import parse_when

LEDGER_KEY = web.AppKey("proof_ledger", ProofLedger)


def register(app: web.Application, ledger: ProofLedger) -> None:
    app[LEDGER_KEY] = ledger
    app.router.add_get("/api/v1/report", _json)
    app.router.add_get("/report", _html)


def _report(request: web.Request) -> Report:
    now = time.time()
    try:
        since = parse_when(request.query.get("since"), now)
        until = parse_when(request.query.get("until"), now)
    except ValueError as exc:
        raise web.HTTPBadRequest(text=f"{exc}\n") from exc
    return request.app[LEDGER_KEY].report(since, until)


async def _json(request: web.Request) -> web.Response:
    return web.json_response(_report(request).as_json())


async def _html(request: web.Request) -> web.Response:
    return web.Response(text=render_page(_report(request)), content_type="text/html")
