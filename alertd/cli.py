"""Command line entry point. Each subcommand lives in ``alertd.commands.<name>``.

A command module exposes ``register(subparsers)``, which adds its parser and sets
``handler`` to a function taking the parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from alertd import __version__

COMMANDS = (
    "run",
    "check",
    "backtest",
    "test",
    "demo",
    "routes",
    "silence",
    "replay",
    "report",
)
"""Modules under alertd.commands, in the order ``alertd --help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alertd",
        description="Proactive alerting: Kafka events in, pages and customer notices out.",
    )
    parser.add_argument("--version", action="version", version=f"alertd {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"alertd.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code
