"""A loopback HTTP server that records every request and answers as scripted.

Plays PagerDuty, Slack or any webhook receiver. Script failures with
``recorder.fail_next(status, times, headers)``.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Failure:
    status: int
    times: int
    headers: dict[str, str] = field(default_factory=dict)


class HttpRecorder:
    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.attempts: list[RecordedRequest] = []
        self._failures: list[_Failure] = []
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()
        self.port = 0
        self.response_body: Any = {"status": "success", "message": "Event processed"}
        self.response_status = 202

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, status: int, times: int = 1, headers: dict[str, str] | None = None) -> None:
        self._failures.append(_Failure(status, times, headers or {}))

    async def _handle(self, request: web.Request) -> web.Response:
        loop = asyncio.get_running_loop()
        recorded = RecordedRequest(
            request.method,
            request.path_qs,
            dict(request.headers),
            await request.read(),
            loop.time(),
        )
        self.attempts.append(recorded)
        if self._failures:
            failure = self._failures[0]
            failure.times -= 1
            if failure.times <= 0:
                self._failures.pop(0)
            response = web.Response(
                status=failure.status, headers=failure.headers, text="scripted failure"
            )
        else:
            self.requests.append(recorded)
            response = web.json_response(self.response_body, status=self.response_status)
        async with self._changed:
            self._changed.notify_all()
        return response

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self.url

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[RecordedRequest]:
        """Wait for ``count`` successful requests."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(self.requests) >= count)
        return self.requests

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
