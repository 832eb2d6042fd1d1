"""``alertd demo``: embedded broker, SMTP sink and a scenario; prints the timeline."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="embedded broker + scenario: watch the whole flow")
    parser.add_argument("--speed", type=float, default=1.0, help="play the scenario faster (>1)")
    parser.add_argument(
        "--full",
        action="store_true",
        help="the proof scenario (4 incidents, 3000 customers, tickets): lead-time table",
    )
    parser.add_argument("--html", metavar="FILE", help="with --full: also write the HTML report")
    parser.set_defaults(handler=_demo)


def _demo(args: Any) -> int:
    if args.full:
        from alertd.demo.full import demo_full

        return demo_full(args.html)
    from alertd.demo.runner import demo

    return demo(speed=args.speed)
