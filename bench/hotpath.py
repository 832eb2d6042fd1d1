"""The consumer's hot path without Kafka: decode -> Pipeline.handle, in batches.

For profiling and quick before/after comparisons of the code alertd owns per event
(decoder, pipeline, detection), with the broker and the network taken out.

    .venv/bin/python bench/hotpath.py [--events 300000] [--profile]
    .venv/bin/pyinstrument bench/hotpath.py          # or py-spy record -- ...
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from typing import Any, NamedTuple

from common import Workload, machine, report

from alertd.alerts.store import AlertStore
from alertd.config.rules import RuleFile
from alertd.heap import HeapPolicy
from alertd.ingest.batch import decode_alertd_batch
from alertd.notify.dispatcher import Dispatcher
from alertd.notify.retry import Backoff
from alertd.observe.metrics import Metrics
from alertd.pipeline import Pipeline
from alertd.route.tree import Route
from alertd.templating import Templates

BATCH = 500


def build_pipeline(workload: Workload) -> Pipeline:
    import yaml

    rules = RuleFile.model_validate(yaml.safe_load(workload.rules_yaml())).rules
    metrics = Metrics()
    templates = Templates(None)
    from alertd.config.schema import RetryConfig, RouteConfig

    dispatcher = Dispatcher({}, metrics, Backoff.from_config(RetryConfig()))
    return Pipeline(
        rules, AlertStore(rules, templates), Route.build(RouteConfig()), dispatcher, metrics
    )


class _Record(NamedTuple):
    value: bytes


async def run(workload: Workload, rounds: int) -> dict[str, Any]:
    """Best of ``rounds``, each on a fresh pipeline (so a third of the events meet a new
    series, as in bench/throughput.py), under the heap policy ``alertd run`` applies."""
    records = [_Record(v) for _, v in workload.records()]
    batches = [records[i : i + BATCH] for i in range(0, len(records), BATCH)]
    decode_s, all_s = [], []
    for _ in range(rounds):
        pipeline = build_pipeline(workload)
        HeapPolicy().apply()
        t0 = time.perf_counter()
        for batch in batches:
            decode_alertd_batch(batch)  # as the consumer decodes a fetched batch
        decode_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for batch in batches:
            events, _ = decode_alertd_batch(batch)
            await pipeline.handle("t", 0, events, time.time())
        all_s.append(time.perf_counter() - t0)
        del pipeline
        gc.unfreeze()
        gc.collect()
    n = len(records)
    return {
        "events": n,
        "rounds": rounds,
        "decode_us_per_event": round(min(decode_s) / n * 1e6, 2),
        "us_per_event": round(min(all_s) / n * 1e6, 2),
        "us_per_event_all_rounds": [round(s / n * 1e6, 2) for s in all_s],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile, top 25 by tottime")
    args = parser.parse_args()
    workload = Workload(rules=args.rules, series=args.series, events=args.events)
    if args.profile:
        import cProfile
        import pstats

        with cProfile.Profile() as prof:
            asyncio.run(run(workload, args.rounds))
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return
    result = asyncio.run(run(workload, args.rounds))
    report("hotpath", {"machine": machine(), **result})


if __name__ == "__main__":
    main()
