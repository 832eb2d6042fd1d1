"""Before/after in one run: the hot path as it was, swapped in, against the current one.

The machine is shared, so figures from different hours do not compare. This script
loads the consumer, the decoder and the rule index from an older commit (``git show``,
nothing in the tree changes), runs the throughput workload with them and with the
current code alternately on the same topic, and reports both.

    .venv/bin/python bench/before_after.py [--rev 8ca7ea8] [--index-rev 2f4aad0]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import subprocess
import sys
import types
from collections.abc import Iterator
from typing import Any

from common import ROOT, Workload, broker, create_topic, machine, produce, report
from throughput import PARTITIONS, alertd_rate, raw_rate

import alertd.daemon
import alertd.detect.engine


def load_old(rev: str, path: str, name: str) -> types.ModuleType:
    source = subprocess.run(
        ["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    module = types.ModuleType(name)
    module.__file__ = f"{rev}:{path}"
    sys.modules[name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


@contextlib.contextmanager
def before(rev: str, index_rev: str) -> Iterator[None]:
    decoders = load_old(rev, "alertd/ingest/decoders.py", "old_decoders")
    consumer = load_old(rev, "alertd/ingest/consumer.py", "old_consumer")
    index = load_old(index_rev, "alertd/detect/index.py", "old_index")
    consumer.get_decoder = lambda name: decoders.decode_alertd  # type: ignore[attr-defined]
    saved = alertd.daemon.KafkaIngest, alertd.detect.engine.RuleIndex
    alertd.daemon.KafkaIngest = consumer.KafkaIngest  # type: ignore[attr-defined,misc]
    alertd.detect.engine.RuleIndex = index.RuleIndex  # type: ignore[attr-defined,misc]
    try:
        yield
    finally:
        alertd.daemon.KafkaIngest, alertd.detect.engine.RuleIndex = saved  # type: ignore[misc]


async def main(args: argparse.Namespace) -> None:
    workload = Workload(events=args.events)
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    async with broker() as bootstrap:
        topic = "bench.before_after"
        await create_topic(bootstrap, topic, PARTITIONS)
        await produce(bootstrap, topic, workload.records(), partitions=PARTITIONS)
        raw = await raw_rate(bootstrap, topic, workload.events, 500)
        for _ in range(args.rounds):
            with before(args.rev, args.index_rev):
                runs["before"].append(await alertd_rate(bootstrap, topic, workload, 500))
            runs["after"].append(await alertd_rate(bootstrap, topic, workload, 500))
            print(runs["before"][-1], runs["after"][-1], flush=True)
    best = {k: max(r["per_second"] for r in v) for k, v in runs.items()}
    report(
        "before_after",
        {
            "machine": machine(),
            "before_rev": {"consumer+decoder": args.rev, "index": args.index_rev},
            "raw": raw,
            "runs": runs,
            "best_per_second": best,
            "speedup": round(best["after"] / best["before"], 3),
            "ratio_to_raw": {k: round(v / raw["per_second"], 3) for k, v in best.items()},
        },
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="8ca7ea8", help="commit of the old consumer+decoder")
    parser.add_argument("--index-rev", default="2f4aad0", help="commit of the old rule index")
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=2)
    asyncio.run(main(parser.parse_args()))
