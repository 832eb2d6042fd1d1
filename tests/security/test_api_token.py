"""Write endpoints need the bearer token; reads do not; without a token writes are off."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from alertd.api.auth import token_middleware

TOKEN = "t0k3n-for-tests"


async def _ok(request: web.Request) -> web.Response:
    return web.Response(text="done")


async def _client(token: SecretStr | None) -> TestClient[web.Request, web.Application]:
    app = web.Application(middlewares=[token_middleware(token)])
    app.router.add_route("*", "/thing", _ok)
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


@pytest.fixture
async def client() -> AsyncIterator[TestClient[web.Request, web.Application]]:
    client = await _client(SecretStr(TOKEN))
    yield client
    await client.close()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
async def test_writes_without_or_with_a_wrong_token_are_refused(
    client: TestClient[web.Request, web.Application], method: str
) -> None:
    assert (await client.request(method, "/thing")).status == 401
    wrong = {"Authorization": f"Bearer {TOKEN}x"}
    assert (await client.request(method, "/thing", headers=wrong)).status == 401
    basic = {"Authorization": f"Basic {TOKEN}"}
    assert (await client.request(method, "/thing", headers=basic)).status == 401


async def test_write_with_the_token_passes(
    client: TestClient[web.Request, web.Application],
) -> None:
    response = await client.post("/thing", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 200
    assert await response.text() == "done"


async def test_reads_need_no_token(client: TestClient[web.Request, web.Application]) -> None:
    assert (await client.get("/thing")).status == 200


async def test_without_a_configured_token_all_writes_are_forbidden() -> None:
    client = await _client(None)
    try:
        response = await client.post("/thing", headers={"Authorization": "Bearer "})
        assert response.status == 403
        assert "token_env" in await response.text()
    finally:
        await client.close()
