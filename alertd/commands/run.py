"""``alertd run``: the daemon, with signal handling at the entry point."""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

from alertd.config import ConfigProblems, load_config
from alertd.daemon import Daemon
from alertd.heap import HeapPolicy
from alertd.ingest.topics import CoPartitioningError
from alertd.observe.logging import configure_logging


def run(config_path: str) -> int:
    try:
        loaded = load_config(config_path)
    except ConfigProblems as exc:
        print(exc, file=sys.stderr)
        return 1
    configure_logging(loaded.config.logging.level, loaded.config.logging.format)
    try:
        daemon = Daemon(loaded, heap=HeapPolicy())
    except ValueError as exc:  # e.g. kafka.tls files or kafka.sasl secret unusable
        print(f"{loaded.path}: {exc}", file=sys.stderr)
        return 1
    try:
        asyncio.run(_serve(daemon))
    except CoPartitioningError as exc:
        print(f"alertd: cannot start: {exc}", file=sys.stderr)
        return 1
    return 0


async def _serve(daemon: Daemon) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    reloads: set[asyncio.Task[Any]] = set()

    def on_sighup() -> None:  # config reload, as systemd's ExecReload sends it
        task = asyncio.ensure_future(daemon.reloader.reload())
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    loop.add_signal_handler(signal.SIGHUP, on_sighup)
    await daemon.run(stop)


def register(sub: Any) -> None:
    parser = sub.add_parser("run", help="run the daemon")
    parser.add_argument("-c", "--config", required=True, help="path to alertd.yml")
    parser.set_defaults(handler=lambda args: run(args.config))
