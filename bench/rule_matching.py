"""Rule matching: events/s through the Evaluator with 1 rule and with 1,000 rules.

Every event feeds exactly one rule in both cases, so the only difference is how many
rules the index has to choose from. Three layouts of the 1,000 rules:

* names:  one metric name per rule (``m0`` .. ``m999``), the common case;
* labels: one metric name, rules told apart by a label (``service: s0`` .. ``s999``);
* globs:  one glob name per rule (``m0_*`` .. ``m999_*``), the case an index cannot hash.

Flat means the 1,000-rule rate stays close to the 1-rule rate.

    .venv/bin/python bench/rule_matching.py [--events 200000]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from common import BASE_TIME, machine, report

from alertd.alerts.evaluator import Evaluator
from alertd.config.rules import RuleSpec
from alertd.ingest.event import Event

SERIES_PER_RULE_1000 = 10
LAYOUTS = ("names", "labels", "globs")
TIME_BUDGET = 10.0
"""Seconds per timed pass at most."""


def rule(layout: str, r: int) -> RuleSpec:
    match: dict[str, Any] = {"kind": "metric"}
    if layout == "names":
        match.update(name=f"m{r}", labels={"region": "eu-*"})
    elif layout == "labels":
        match.update(name="latency", labels={"service": f"s{r}", "region": "eu-*"})
    else:
        match.update(name=f"m{r}_*", labels={"region": "eu-*"})
    return RuleSpec.model_validate(
        {
            "name": f"rule_{r}",
            "match": match,
            "group_by": ["host"],
            "detect": {"threshold": {"above": 90}},
        }
    )


def events(layout: str, rules: int, count: int) -> list[Event]:
    """``count`` events, each feeding exactly one rule; 10,000 series in all."""
    hosts = 10_000 // rules
    out = []
    for i in range(count):
        r = i % rules
        host = (i // rules) % hosts
        name = {"names": f"m{r}", "labels": "latency", "globs": f"m{r}_seconds"}[layout]
        out.append(
            Event(
                BASE_TIME + i * 0.001,
                "metric",
                name,
                float(i % 80),
                {"service": f"s{r}", "host": f"h{host}", "region": "eu-west"},
            )
        )
    return out


def rate(layout: str, rules: int, count: int) -> float:
    evaluator = Evaluator([rule(layout, r) for r in range(rules)])
    stream = events(layout, rules, count)
    for event in stream[:10_000]:  # create the series first: measure matching, not growth
        evaluator.process(event)
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        done = 0
        for event in stream:  # bounded: an O(rules) index would take minutes
            evaluator.process(event)
            done += 1
            if done % 1000 == 0 and time.perf_counter() - t0 > TIME_BUDGET:
                break
        best = max(best, done / (time.perf_counter() - t0))
        stream = [Event(e.time + count * 0.001, e.kind, e.name, e.value, e.labels) for e in stream]
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    for layout in LAYOUTS:
        one = rate(layout, 1, args.events)
        many = rate(layout, 1000, args.events)
        results[layout] = {
            "rules_1_per_second": round(one),
            "rules_1000_per_second": round(many),
            "ratio": round(many / one, 3),
        }
        print(layout, results[layout], flush=True)
    report("rule_matching", {"machine": machine(), "events": args.events, "layouts": results})


if __name__ == "__main__":
    main()
