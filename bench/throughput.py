"""Throughput: alertd (1,000 rules, 100k live series) against a bare aiokafka consumer loop.

Both read the same pre-produced topic on the embedded Tansu broker in the same run.
alertd runs as a whole Daemon (real KafkaIngest + Pipeline, no receivers), counted with
a PipelineListener. Each consumer is timed two ways, by the same rule:

* whole run: from its first record (group join excluded) to its last; for alertd this
  includes the first sight of every series (a third of the events at the defaults);
* steady: from its ``--warm``-th record to its last, i.e. with the 100k series live,
  which is the rate alertd *sustains* (the issue's target). ``live_at_warm`` says how
  many series alertd held when the steady clock started.

1M events by default (300k before the sixth pass): the bare loop reads them in under
two seconds, and its steady window must not be a fraction of one.

``--without detection|chart|decode`` (repeatable) takes that part of alertd's work out
of the run, and ``--stand-in own-tables|python-tables`` puts a compiled stand-in lane in
the evaluator's place (bench/ablation.py): the ratio then bounds what speeding the part
up could buy, and the report says it is no result against the target.

    .venv/bin/python bench/throughput.py [--events 1000000] [--warm N] [--rules 1000]
                                         [--series 100000] [--repeat 5]
                                         [--without PART ...] [--stand-in KIND]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ablation import PARTS, STAND_INS, stand_in, take_out
from aiokafka import AIOKafkaConsumer
from aiokafka.consumer import fetcher
from common import Workload, bench_config, broker, create_topic, machine, produce, report

from alertd.config import load_config
from alertd.daemon import Daemon
from alertd.heap import HeapPolicy
from alertd.ingest.event import Event
from alertd.observe.listener import PipelineListener

PARTITIONS = 4
TIMEOUT = 180.0
SESSION_TIMEOUT = 2.0
"""Seconds; short, so that joining a fresh group is quick."""
_groups = itertools.count()


class Clock(PipelineListener):
    """Counts events through the pipeline; notes the first, the ``warm``-th and the
    ``expect``-th."""

    def __init__(self, expect: int, warm: int) -> None:
        self.expect = expect
        self.window = Window(warm)
        self.count = 0
        self.first = 0.0
        self.last = 0.0
        self.done = asyncio.Event()
        self.live: Callable[[], int] = lambda: 0
        self.live_at_warm = 0

    def consumed(self, topic: str, events: Sequence[Event]) -> None:
        # Counted per batch, as the bare loop counts: len() of what it was handed.
        if self.count == 0:
            self.first = time.perf_counter()
        self.count += len(events)
        if self.window.passed(self.count):
            self.live_at_warm = self.live()
        if self.count >= self.expect and not self.done.is_set():
            self.last = time.perf_counter()
            self.done.set()


class Window:
    """The steady window: from the first count at or past ``warm`` on."""

    def __init__(self, warm: int) -> None:
        self.warm = warm
        self.count = 0
        self.start = 0.0

    def passed(self, count: int) -> bool:
        """True once, when ``count`` first reaches ``warm``."""
        if self.count or count < self.warm:
            return False
        self.count, self.start = count, time.perf_counter()
        return True

    def rate(self, count: int, last: float) -> int | None:
        if not self.count or last - self.start <= 0:
            return None
        return round((count - self.count) / (last - self.start))


async def raw_rate(
    bootstrap: str, topic: str, expect: int, max_records: int, warm: int = 0
) -> dict[str, Any]:
    """A bare consumer loop: fetch, count, nothing else (the ceiling for any consumer)."""
    # aiokafka as it ships: alertd's lean records (alertd/ingest/lean.py) wrap its
    # record builder for the whole process, and the bare loop must not pay for that
    builder = fetcher.PartitionRecords._consumer_record
    fetcher.PartitionRecords._consumer_record = getattr(builder, "__wrapped__", builder)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"raw-{next(_groups)}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=int(SESSION_TIMEOUT * 1000),
        heartbeat_interval_ms=int(SESSION_TIMEOUT * 250),
    )
    await consumer.start()
    count, first, window = 0, 0.0, Window(warm)
    deadline = time.monotonic() + TIMEOUT
    try:
        while count < expect and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200, max_records=max_records)
            for records in batch.values():
                if count == 0:
                    first = time.perf_counter()
                count += len(records)
                window.passed(count)
        last = time.perf_counter()
    finally:
        await consumer.stop()
    return {**_rate(count, first, last), "steady_per_second": window.rate(count, last)}


async def alertd_rate(
    bootstrap: str, topic: str, workload: Workload, max_batch: int, warm: int = 0
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "alertd.yml"
        (Path(tmp) / "rules.yml").write_text(workload.rules_yaml())
        path.write_text(
            bench_config(
                bootstrap,
                topic,
                f"alertd-{next(_groups)}",
                max_batch=max_batch,
                session_timeout=SESSION_TIMEOUT,
            )
        )
        clock = Clock(workload.events, warm)
        # With the garbage-collector policy `alertd run` applies (alertd/heap.py).
        daemon = Daemon(load_config(path), listener=clock, heap=HeapPolicy())
        clock.live = lambda: live_series(daemon)
        stop = asyncio.Event()
        task = asyncio.create_task(daemon.run(stop))
        try:
            async with asyncio.timeout(TIMEOUT):
                await clock.done.wait()
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
        series = live_series(daemon)
    return {
        **_rate(clock.count, clock.first, clock.last),
        "steady_per_second": clock.window.rate(clock.count, clock.last),
        "live_at_warm": clock.live_at_warm,
        "live_series": series,
    }


def live_series(daemon: Daemon) -> int:
    return sum(e.engine.series_count for e in daemon.pipeline._evaluators.values())


def _rate(count: int, first: float, last: float) -> dict[str, Any]:
    elapsed = max(last - first, 1e-9)
    return {"events": count, "seconds": round(elapsed, 3), "per_second": round(count / elapsed)}


async def main(args: argparse.Namespace) -> None:
    without = sorted(set(args.without))
    workload = Workload(rules=args.rules, series=args.series, events=args.events)
    stand_ins = stand_in(args.stand_in, workload) if args.stand_in else None
    warm = args.warm if args.warm is not None else 3 * workload.series
    async with broker() as bootstrap:
        topic = "bench.throughput"
        await create_topic(bootstrap, topic, PARTITIONS)
        t0 = time.perf_counter()
        await produce(bootstrap, topic, workload.records(), partitions=PARTITIONS)
        produce_s = time.perf_counter() - t0
        print(f"produced {workload.events} events in {produce_s:.1f}s", flush=True)
        runs = [
            await one_run(bootstrap, topic, workload, args.max_batch, warm)
            for _ in range(args.repeat)
        ]
    ratios = [run["ratio"] for run in runs]
    steady = [run["steady_ratio"] for run in runs if run["steady_ratio"] is not None]
    report(
        "throughput",
        {
            "machine": machine(),
            "workload": {
                "rules": workload.rules,
                "series": workload.series,
                "events": workload.events,
                "warm": warm,
                "partitions": PARTITIONS,
                "max_batch": args.max_batch,
            },
            "produce_per_second": round(workload.events / produce_s),
            **runs[-1],
            "runs": runs if len(runs) > 1 else [],
            "ratios": ratios,
            "ratio_median": statistics.median(ratios),
            "steady_ratios": steady,
            "steady_ratio_median": statistics.median(steady) if steady else None,
            "without": without,
            "stand_in": stand_ins() if stand_ins else None,
            "target": None if without or stand_ins else 0.5,
        },
    )


async def one_run(
    bootstrap: str, topic: str, workload: Workload, max_batch: int, warm: int
) -> dict[str, Any]:
    """The bare loop, alertd, the bare loop again: alertd against the faster bare run,
    so a slow spell of the machine during one of them does not flatter alertd."""
    raw = await raw_rate(bootstrap, topic, workload.events, max_batch, warm)
    print(f"raw aiokafka: {raw}", flush=True)
    alertd = await alertd_rate(bootstrap, topic, workload, max_batch, warm)
    print(f"alertd: {alertd}", flush=True)
    raw2 = await raw_rate(bootstrap, topic, workload.events, max_batch, warm)
    print(f"raw aiokafka (again): {raw2}", flush=True)
    best = max(raw["per_second"], raw2["per_second"])
    steady = [r["steady_per_second"] for r in (raw, raw2) if r["steady_per_second"]]
    return {
        "raw": [raw, raw2],
        "alertd": alertd,
        "ratio": round(alertd["per_second"] / best, 3),
        "steady_ratio": (
            round(alertd["steady_per_second"] / max(steady), 3)
            if steady and alertd["steady_per_second"]
            else None
        ),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--warm", type=int, help="records before the steady clock starts (default 3 x series)"
    )
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--max-batch", type=int, default=500)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs on the same topic; the median is reported"
    )
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        choices=PARTS,
        help="take this part of alertd's work out (a bound, not a result; repeatable)",
    )
    parser.add_argument(
        "--stand-in",
        choices=STAND_INS,
        help="a compiled stand-in lane in the evaluator's place (a bound, not a result)",
    )
    arguments = parser.parse_args()
    if arguments.stand_in and "detection" in arguments.without:
        parser.error("--stand-in replaces detection: leave out --without detection")
    try:
        take_out(arguments.without)
    except ValueError as exc:
        parser.error(str(exc))
    asyncio.run(main(arguments))
