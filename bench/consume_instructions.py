"""The throughput ratio in instructions: alertd against a bare aiokafka loop, per event,
on the real broker, counted by valgrind.

bench/throughput.py measures the target in events per second, and on a shared machine
those move by 30% from one run to the next. This counts what each consumer executes
per event instead. Both read the same pre-produced topic from the embedded broker
under ``valgrind --tool=cachegrind``, once for ``--warm`` events and once for
``--warm`` + ``--events``; the difference over ``--events`` is the per-event cost in
steady state, with startup, imports, the group join and (for alertd) the first sight
of each of the 100k series taken out.

bare / alertd is the ratio throughput.py would show if both ran at the same
instructions per cycle. They do not: alertd's 100k-series tables miss the caches and
the bare loop's few objects do not, so the wall-clock ratio is lower; use this to
compare trees and to see where the instructions go, not as the target itself.

    .venv/bin/python bench/consume_instructions.py [--warm 100000] [--events 30000]
                                                   [--baseline /path/to/old/tree]

``--baseline`` counts another checkout's alertd as well (e.g. a ``git worktree``), in
the same run, with this venv. Needs Debian's ``valgrind``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sys
from pathlib import Path
from typing import Any

from common import ROOT, Workload, broker, create_topic, machine, produce, report
from valgrind import instructions, require

TOPIC = "bench.instructions"
PARTITIONS = 4


def count(tree: Path, consumer: str, bootstrap: str, events: int) -> int:
    """Instructions valgrind counts for one child that consumes ``events`` events."""
    return instructions(__file__, ["--child", consumer, bootstrap, str(events)], tree)


def per_event(tree: Path, consumer: str, bootstrap: str, warm: int, events: int) -> int:
    short = count(tree, consumer, bootstrap, warm)
    long = count(tree, consumer, bootstrap, warm + events)
    return round((long - short) / events)


def child(consumer: str, bootstrap: str, events: int) -> None:
    """One consumer in a fresh group reads ``events`` events from the start of TOPIC."""
    import throughput

    # valgrind runs Python about fifty times slower: a short session would expire
    # while the daemon starts, and the group would rebalance again and again
    throughput.TIMEOUT, throughput.SESSION_TIMEOUT = 3600.0, 60.0
    # a group (and changelog) of its own: the short and the long run must both start
    # from the beginning of the topic with no state
    throughput._groups = itertools.count(os.getpid() * 1000)
    workload = Workload(events=events)
    if consumer == "bare":
        run = throughput.raw_rate(bootstrap, TOPIC, events, max_records=500)
    else:
        run = throughput.alertd_rate(bootstrap, TOPIC, workload, max_batch=500)
    result = asyncio.run(run)
    if result["events"] < events:
        sys.exit(f"consumed {result['events']} of {events} events")


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    workload = Workload(events=args.warm + args.events)
    result: dict[str, Any] = {"machine": machine(), "warm": args.warm, "events": args.events}
    async with broker() as bootstrap:
        await create_topic(bootstrap, TOPIC, PARTITIONS)
        await produce(bootstrap, TOPIC, workload.records(), partitions=PARTITIONS)
        measured = [("bare", ROOT), ("alertd", ROOT)]
        if args.baseline is not None:
            measured.append(("alertd", args.baseline.resolve()))
        for consumer, tree in measured:
            name = consumer if tree == ROOT else "alertd_baseline"
            cost = await asyncio.to_thread(
                per_event, tree, consumer, bootstrap, args.warm, args.events
            )
            result[f"{name}_per_event"] = cost
            print(f"{name}: {cost} instructions per event", flush=True)
    result["ratio"] = round(result["bare_per_event"] / result["alertd_per_event"], 3)
    if args.baseline is not None:
        result["baseline_tree"] = str(args.baseline)
        result["baseline_ratio"] = round(
            result["bare_per_event"] / result["alertd_baseline_per_event"], 3
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--baseline", type=Path, help="another checkout to count as well")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        consumer, bootstrap, events = args.child
        child(consumer, bootstrap, int(events))
        return
    require()
    report("consume_instructions", asyncio.run(measure(args)))


if __name__ == "__main__":
    main()
