"""Command line: ``alertd run|check|backtest|demo``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from alertd import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alertd",
        description="Proactive alerting: Kafka events in, pages and customer notices out.",
    )
    parser.add_argument("--version", action="version", version=f"alertd {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the daemon")
    run.add_argument("-c", "--config", required=True)

    check = sub.add_parser("check", help="validate config, rules and templates")
    check.add_argument("-c", "--config", required=True)

    backtest = sub.add_parser("backtest", help="replay events through the rules, print transitions")
    backtest.add_argument("-c", "--config", required=True)
    backtest.add_argument("--events", required=True, help="a .jsonl file of events")

    demo = sub.add_parser("demo", help="embedded broker + scenario: watch the whole flow")
    demo.add_argument("--speed", type=float, default=1.0, help="run the scenario faster (>1)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        from alertd.commands.run import run

        return run(args.config)
    if args.command == "check":
        from alertd.commands.check import check

        return check(args.config)
    if args.command == "backtest":
        from alertd.commands.backtest import backtest

        return backtest(args.config, args.events)
    if args.command == "demo":
        from alertd.demo.runner import demo

        return demo(speed=args.speed)
    raise AssertionError(args.command)
