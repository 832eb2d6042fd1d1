"""Real ``alertd run`` processes for the fault tests: start, wait ready, kill -9."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp

from alertd.embedded.tansu import free_port
from alertd.ingest.event import Event
from tests.support.daemon import kafka_yaml, write_config

RULES = """\
rules:
  - name: disk_full
    match: {kind: metric, name: disk_used_ratio}
    group_by: [host]
    detect: {threshold: {above: 0.9}}
    severity: critical
"""


EMAIL = "receivers:\n  - name: ops\n    email_configs: [{to: [ops@example.com]}]\n"
"""An e-mail receiver named ``ops`` for :data:`RULES` (needs an ``smtp:`` block)."""


def email_receivers(smtp_port: int) -> str:
    """:data:`EMAIL` with the ``smtp:`` block it needs, sending to ``smtp_port``."""
    return f"smtp: {{host: 127.0.0.1, port: {smtp_port}}}\n{EMAIL}"


T0 = 1_790_000_000.0


def disk(at: float, value: float, host: str = "db-1") -> Event:
    """A ``disk_used_ratio`` sample for :data:`RULES`, ``at`` seconds after T0."""
    return Event(
        time=T0 + at, kind="metric", name="disk_used_ratio", value=value, labels={"host": host}
    )


def config(
    kafka: str,
    topic: str,
    group: str,
    http_port: int,
    receivers: str,
    partitions: int = 1,
    token: str | None = None,
) -> str:
    """A daemon config with short group timeouts and fast retries (bounded tests)."""
    auth = f", token: {token}" if token else ""
    return f"""\
{kafka_yaml(kafka, topic, group, partitions)}http: {{listen: "127.0.0.1:{http_port}"{auth}}}
notify:
  retry: {{attempts: 1000, initial_backoff: 100ms, max_backoff: 500ms, timeout: 2s}}
rule_files: [rules.yml]
route: {{receiver: ops}}
{receivers}
"""


async def start(path: Path, name: str = "alertd") -> asyncio.subprocess.Process:
    """Logs go to ``<name>.log`` next to the config (a pipe nobody reads would fill)."""
    with (path.parent / f"{name}.log").open("ab") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "alertd",
            "run",
            "-c",
            str(path),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )


async def readyz(port: int) -> int | None:
    """The /readyz status, or None when nothing answers."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http,
            http.get(f"http://127.0.0.1:{port}/readyz") as response,
        ):
            return response.status
    except (aiohttp.ClientError, TimeoutError):
        return None


async def wait_ready(port: int, process: asyncio.subprocess.Process, timeout: float = 30) -> None:
    async with asyncio.timeout(timeout):
        while await readyz(port) != 200:
            assert process.returncode is None, "alertd run exited early"
            await asyncio.sleep(0.1)


async def metric(port: int, name: str) -> float:
    """Sum of the samples of ``name`` on /metrics (``name{label="x"`` narrows it)."""
    async with aiohttp.ClientSession() as http:
        text = await (await http.get(f"http://127.0.0.1:{port}/metrics")).text()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name) and ("{" in name or line[len(name) : len(name) + 1] in "{ ")
    )


async def kill(process: asyncio.subprocess.Process) -> None:
    """kill -9: no shutdown code runs, nothing is flushed or committed."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGKILL)
    async with asyncio.timeout(10):
        await process.communicate()


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        async with asyncio.timeout(20):
            await process.communicate()
    except TimeoutError:
        await kill(process)


@contextlib.asynccontextmanager
async def running(
    path: Path, http_port: int, name: str = "alertd", killed: bool = False
) -> AsyncIterator[asyncio.subprocess.Process]:
    """A ready process, stopped with SIGTERM when the block ends (``killed``: kill -9,
    so nothing is flushed or committed)."""
    process = await start(path, name)
    try:
        await wait_ready(http_port, process)
        yield process
    finally:
        await (kill(process) if killed else stop(process))


def killed_at_exit(
    path: Path, http_port: int, name: str = "alertd"
) -> contextlib.AbstractAsyncContextManager[asyncio.subprocess.Process]:
    """A ready process that gets kill -9 when the block ends."""
    return running(path, http_port, name, killed=True)


def two_members(
    tmp_path: Path, make_config: Callable[[int], str], rules: str = RULES
) -> tuple[list[Path], list[int]]:
    """Config files for two members of one group (``a/`` and ``b/``), each with its own
    HTTP port; ``make_config(port)`` writes one member's alertd.yml."""
    ports, paths = [free_port(), free_port()], []
    for name, port in zip("ab", ports, strict=True):
        (tmp_path / name).mkdir()
        paths.append(write_config(tmp_path / name, make_config(port), rules))
    return paths, ports


GROUP_SETTLE = 5.0
"""Seconds for two members to join and the group to settle (session_timeout 2s)."""


@contextlib.asynccontextmanager
async def pair(
    paths: list[Path], ports: list[int]
) -> AsyncIterator[tuple[asyncio.subprocess.Process, asyncio.subprocess.Process]]:
    """Two members of one consumer group, ready and settled; stopped at the end."""
    a, b = await start(paths[0], "a"), await start(paths[1], "b")
    try:
        await wait_ready(ports[0], a)
        await wait_ready(ports[1], b)
        await asyncio.sleep(GROUP_SETTLE)
        yield a, b
    finally:
        await stop(a)
        await stop(b)
