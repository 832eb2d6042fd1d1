"""A TLS-terminating proxy in front of a Tansu broker that advertises the proxy.

Tansu speaks plain TCP only; this gives the tests a real TLS Kafka endpoint, so the
client options are proven on the wire (handshake, certificate verification) rather
than only built.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import subprocess
from pathlib import Path

from alertd.embedded.tansu import free_port, tansu_binary


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """Self-signed certificate for 127.0.0.1 (it is its own CA)."""
    cert, key = directory / "broker.pem", directory / "broker.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


class TlsKafka:
    def __init__(self, cert: Path, key: Path) -> None:
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._context.load_cert_chain(cert, key)
        self.port = free_port()
        self._backend_port = free_port()
        self._broker: asyncio.subprocess.Process | None = None
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self.handshakes = 0

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._broker = await asyncio.create_subprocess_exec(
            tansu_binary(), "broker",
            "--listener-url", f"tcp://127.0.0.1:{self._backend_port}",
            "--advertised-listener-url", f"tcp://127.0.0.1:{self.port}",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        async with asyncio.timeout(15):
            while True:
                with contextlib.suppress(OSError):
                    _, writer = await asyncio.open_connection("127.0.0.1", self._backend_port)
                    writer.close()
                    break
                await asyncio.sleep(0.05)
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.port, ssl=self._context
        )

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.handshakes += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._backend_port)
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(_pipe(src, dst))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._pipes):
            task.cancel()
        if self._broker is not None and self._broker.returncode is None:
            self._broker.terminate()
            await asyncio.wait_for(self._broker.wait(), 10)


async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    try:
        while data := await src.read(65536):
            dst.write(data)
            await dst.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            dst.close()
