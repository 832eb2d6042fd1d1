"""``alertd routes test``: which receivers does a label set reach? For CI and reviews.

Exit codes: 0 the alert reaches a receiver (and, with ``--expect``, exactly the
expected ones); 1 it reaches none, is inhibited everywhere, or differs from
``--expect``; 2 the configuration has problems.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from alertd.alerts.inhibit import Inhibitor
from alertd.config import ConfigProblems, load_config
from alertd.route.tree import Route


def parse_labels(items: Sequence[str]) -> dict[str, str]:
    """``k=v,k2=v2`` (repeatable) -> dict; ValueError names the bad pair."""
    labels: dict[str, str] = {}
    for item in items:
        for pair in filter(None, (p.strip() for p in item.split(","))):
            key, sep, value = pair.partition("=")
            if not sep or not key.strip():
                raise ValueError(f"bad label {pair!r}: write key=value")
            labels[key.strip()] = value.strip()
    return labels


def explain(
    route: Route, inhibitor: Inhibitor, labels: dict[str, str], active: Sequence[dict[str, str]]
) -> list[dict[str, Any]]:
    """One entry per delivering route node, with the active alert inhibiting it, if any."""
    sources = {f"active-{i}": source for i, source in enumerate(active)}
    for key, source in sources.items():
        inhibitor.set_firing(key, source)
    inhibited = inhibitor.inhibited_by("tested", labels)
    source_labels = sources[inhibited] if inhibited else None
    return [
        {
            "receiver": node.receiver,
            "route": node.path,
            "group_by": list(node.group_by),
            "group_key": node.group_key(labels),
            "group_wait": node.group_wait,
            "immediate": labels.get("severity", "") in node.immediate_severities,
            "escalation": node.escalation,
            "mute_time_intervals": list(node.mute_time_intervals),
            "active_time_intervals": list(node.active_time_intervals),
            "inhibited_by": source_labels,
        }
        for node in route.match(labels)
        if node.receiver is not None
    ]


def routes_test(
    config_path: str, labels: list[str], active: list[str], expect: str | None, as_json: bool
) -> int:
    try:
        loaded = load_config(config_path)
        wanted = parse_labels(labels)
        sources = [parse_labels([a]) for a in active]
    except ConfigProblems as exc:
        print(exc, file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"alertd routes test: {exc}", file=sys.stderr)
        return 2
    config = loaded.config
    hits = explain(
        Route.build(config.route), Inhibitor.from_config(config.inhibit_rules), wanted, sources
    )
    reached = sorted({h["receiver"] for h in hits if h["inhibited_by"] is None})
    if as_json:
        print(json.dumps({"labels": wanted, "routes": hits, "receivers": reached}, indent=2))
    else:
        _print_human(hits)
    if expect is not None:
        expected = sorted({e.strip() for e in expect.split(",") if e.strip()})
        if expected != reached:
            print(f"expected receivers {expected}, got {reached}", file=sys.stderr)
            return 1
    return 0 if reached else 1


def _print_human(hits: list[dict[str, Any]]) -> None:
    if not hits:
        print("no receiver: the alert is routed nowhere")
    for hit in hits:
        line = f"{hit['receiver']}\troute {hit['route']}\tgroup {hit['group_key']}"
        if hit["immediate"]:
            line += "\tfirst page immediate"
        if hit["escalation"]:
            line += f"\tescalation {hit['escalation']}"
        if hit["inhibited_by"] is not None:
            line += f"\tINHIBITED by {hit['inhibited_by']}"
        print(line)


def register(sub: Any) -> None:
    parser = sub.add_parser("routes", help="inspect the routing tree")
    routes_sub = parser.add_subparsers(dest="routes_command", required=True, metavar="ACTION")
    test = routes_sub.add_parser(
        "test", help="show which receivers a label set reaches (exit 1 if none / not --expect)"
    )
    test.add_argument("-c", "--config", required=True, help="path to alertd.yml")
    test.add_argument("--labels", action="append", required=True, help="k=v,k2=v2 of the alert")
    test.add_argument(
        "--active",
        action="append",
        default=[],
        help="labels of an already firing alert (repeatable), to test inhibition",
    )
    test.add_argument("--expect", help="comma-separated receivers that must be reached")
    test.add_argument("--json", action="store_true", help="machine-readable output")
    test.set_defaults(handler=lambda a: routes_test(a.config, a.labels, a.active, a.expect, a.json))
