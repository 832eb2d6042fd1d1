"""A status-feed HTTP server over a NoticeService with one published EU incident."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from aiohttp import web

from alertd.api import maintenance, notices, status
from alertd.api.auth import token_middleware
from alertd.notices.config import MaintenanceSpec
from tests.notices.helpers import Harness, customer, harness

TOKEN = "t0ken"


async def published_incident() -> Harness:
    h = harness(
        [
            customer("eu-en", timezone="Europe/London"),
            customer("eu-ru", locale="ru", timezone="Europe/Moscow", plan="enterprise"),
            customer("us", region="us-east"),
        ],
        segments={
            "enterprise-eu": {"plan": "enterprise", "regions": "eu-*"},
            "us-all": {"regions": "us-*"},
        },
    )
    incident = await h.fire()
    await h.service.release(incident.id)
    await h.service.update(incident.id, {"workaround": "Pay by invoice", "text": "Looking"})
    h.service.maintenance.add(
        MaintenanceSpec(
            id="us-db",
            start=datetime.fromtimestamp(h.now + 7200, UTC),
            end=datetime.fromtimestamp(h.now + 10800, UTC),
            title="US database upgrade",
            regions=["us-east"],
        )
    )
    return h


@asynccontextmanager
async def serve(h: Harness) -> AsyncIterator[str]:
    from pydantic import SecretStr

    app = web.Application(middlewares=[token_middleware(SecretStr(TOKEN))])
    notices.register(app, h.service)
    maintenance.register(app)
    status.register(app, h.service)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()
