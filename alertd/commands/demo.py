"""``alertd demo``: embedded broker, SMTP sink and a scenario; prints the timeline."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="embedded broker + scenario: watch the whole flow")
    parser.add_argument("--speed", type=float, default=1.0, help="play the scenario faster (>1)")
    parser.set_defaults(handler=_demo)


def _demo(args: Any) -> int:
    from alertd.demo.runner import demo

    return demo(speed=args.speed)
