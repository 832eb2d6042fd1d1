"""Bearer-token check for endpoints that change state."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware
from pydantic import SecretStr

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token_middleware(token: SecretStr | None) -> Middleware:
    """Reject writes without ``Authorization: Bearer <token>``; with no token, reject all writes."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method in SAFE_METHODS:
            return await handler(request)
        if token is None:
            raise web.HTTPForbidden(
                text="write endpoints are disabled: set http.token_env or http.token_file\n"
            )
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(supplied.encode(), token.get_secret_value().encode()):
            raise web.HTTPUnauthorized(text="missing or wrong bearer token\n")
        return await handler(request)

    return middleware
