"""The public status feed, page and embeddable banner (read-only, no token).

``GET /api/v1/status[?customer=ID|?segment=NAME]`` answers JSON with CORS and an
ETag (``If-None-Match`` -> 304), so websites, dashboards and support desks can poll
it cheaply. ``GET /status`` renders a public page; ``GET /widget.js`` is the banner
script: ``<script src=".../widget.js" data-customer="ID" async></script>``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from alertd.customers.directory import UnknownSegment
from alertd.notices.service import NoticeService
from alertd.notices.status import StatusFeed

STATIC = Path(__file__).parent / "static"
FEED_KEY = web.AppKey("status_feed", StatusFeed)
PAGE_KEY = web.AppKey("status_page", jinja2.Template)
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match",
    "Access-Control-Expose-Headers": "ETag",
    "Access-Control-Max-Age": "600",
}


def register(app: web.Application, service: NoticeService) -> None:
    app[FEED_KEY] = StatusFeed(service)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(STATIC)), autoescape=True, trim_blocks=True
    )
    app[PAGE_KEY] = env.get_template("status.html.j2")
    app.router.add_get("/api/v1/status", _feed)
    app.router.add_route("OPTIONS", "/api/v1/status", _preflight)
    app.router.add_get("/status", _page)
    app.router.add_get("/widget.js", _widget)


def _select(request: web.Request) -> dict[str, Any]:
    feed = request.app[FEED_KEY]
    now = feed.service.now()
    customer_id = request.query.get("customer")
    segment = request.query.get("segment")
    if customer_id:
        customer = feed.service.directory.get(customer_id)
        if customer is None:
            raise web.HTTPNotFound(text="unknown customer\n", headers=CORS)
        return feed.for_customer(customer, now)
    if segment:
        try:
            return feed.for_segment(segment, now)
        except UnknownSegment as exc:
            raise web.HTTPNotFound(text=f"{exc.args[0]}\n", headers=CORS) from exc
    return feed.public(now)


async def _feed(request: web.Request) -> web.Response:
    body = json.dumps(_select(request), sort_keys=True, separators=(",", ":")).encode()
    etag = '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'
    headers = {**CORS, "ETag": etag, "Cache-Control": "no-cache"}
    if etag in _etags(request.headers.get("If-None-Match", "")):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type="application/json", headers=headers)


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


async def _preflight(request: web.Request) -> web.Response:
    return web.Response(status=204, headers=CORS)


async def _page(request: web.Request) -> web.Response:
    feed = _select(request)
    html = request.app[PAGE_KEY].render(feed=feed, query=request.query_string)
    return web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-cache"})


async def _widget(request: web.Request) -> web.Response:
    return web.Response(
        body=(STATIC / "widget.js").read_bytes(),
        content_type="application/javascript",
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "max-age=300"},
    )
