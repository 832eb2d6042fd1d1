"""Write a config to a temp dir and run a real daemon against the test broker."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

from alertd.config import load_config
from alertd.daemon import Daemon
from alertd.observe.listener import PipelineListener

_unique = itertools.count()


def unique(prefix: str) -> str:
    """Topic and group names unique within the test session (the broker is shared)."""
    return f"{prefix}-{next(_unique)}"


def kafka_yaml(
    kafka: str, topic: str, group: str | None = None, partitions: int | None = None
) -> str:
    """The ``kafka:`` block of a test config: one input topic, its DLQ, a fresh group.

    A consumer-group join on the test broker takes the session timeout, so it is short.
    """
    return (
        "kafka:\n"
        f"  bootstrap_servers: {kafka}\n"
        f"  group_id: {group or unique('group')}\n"
        f"  topics: [{{name: {topic}}}]\n"
        f"  dlq_topic: {topic}.dlq\n"
        + (f"  partitions: {partitions}\n" if partitions is not None else "")
        + "  session_timeout: 2s\n"
        "  heartbeat_interval: 500ms\n"
    )


def write_config(directory: Path, config: str, rules: str = "rules: []\n") -> Path:
    (directory / "rules.yml").write_text(rules)
    path = directory / "alertd.yml"
    path.write_text(config)
    return path


@contextlib.asynccontextmanager
async def running_daemon(
    config_path: Path, listener: PipelineListener | None = None
) -> AsyncIterator[Daemon]:
    daemon = Daemon(load_config(config_path), listener=listener)
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    try:
        async with asyncio.timeout(20):
            while daemon.http_port is None or daemon.ingest is None or not daemon.ready():
                if task.done():
                    task.result()
                await asyncio.sleep(0.05)
        yield daemon
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
