"""Instructions per event on the hot path, counted by valgrind: a before/after measure
that the load of a shared machine does not move.

Wall-clock rates on the reference machine move by 30% or more from one minute to the
next, which hides changes of a few percent. Instructions executed are deterministic: the
same code on the same input counts the same, whatever else runs. This runs a workload
(the throughput benchmark's events and rules, without Kafka) under
``valgrind --tool=cachegrind`` with and without each stage, and divides the difference
by the events. It counts work, not cache misses (which the 100k-series benchmarks also
pay); use it to compare two trees, not to predict a rate.

    .venv/bin/python bench/instructions.py [--events 30000] [--baseline /path/to/old/tree]

``--baseline`` counts another checkout (e.g. a ``git worktree`` of an older commit) in
the same run, with this venv. Needs Debian's ``valgrind``.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from common import ROOT, machine, report
from valgrind import instructions, require

STAGES = ("none", "decode", "lane", "chart")
"""Each includes the ones before it: decode a fetch, hand it to the pipeline (the quiet
lane here), then to the proof chart buffer."""


def count(tree: Path, stage: str, passes: int, events: int) -> int:
    """Instructions valgrind counts for one child run."""
    return instructions(__file__, ["--child", stage, str(passes), str(events)], tree)


def per_event(tree: Path, events: int) -> dict[str, int]:
    """Instructions per event of each stage; steady state is the second pass over the
    same events (series exist, the rule memo is warm)."""
    runs = {(s, p): count(tree, s, p, events) for s in STAGES for p in (1, 2) if s != "none"}
    runs[("none", 1)] = count(tree, "none", 1, events)

    def second_pass(stage: str) -> float:
        return (runs[(stage, 2)] - runs[(stage, 1)]) / events

    decode = second_pass("decode")
    lane = second_pass("lane") - decode
    return {
        "decode": round(decode),
        "quiet_lane_steady": round(lane),
        "quiet_lane_first_pass": round((runs[("lane", 1)] - runs[("decode", 1)]) / events),
        "chart_buffer": round(second_pass("chart") - second_pass("lane")),
        "total_steady": round(second_pass("chart")),
    }


def child(stage: str, passes: int, events: int) -> None:
    """The measured workload (runs under valgrind; bench/common.py imports the tree)."""
    import yaml
    from common import Workload
    from hotpath import BATCH, _Record, build_pipeline

    from alertd.config.rules import RuleFile
    from alertd.ingest.batch import decode_alertd_batch
    from alertd.proof.series import SeriesBuffer

    workload = Workload(rules=1000, series=events // 3, events=events)
    records = [_Record(value) for _, value in workload.records()]
    batches = [records[i : i + BATCH] for i in range(0, len(records), BATCH)]
    pipeline = build_pipeline(workload)
    rules = RuleFile.model_validate(yaml.safe_load(workload.rules_yaml())).rules
    try:  # a baseline tree from before the chart buffer took the rules
        from alertd.proof.sources import watched_names  # type: ignore[attr-defined]

        charts = SeriesBuffer(watched_names(rules))
    except ImportError:
        charts = SeriesBuffer(rules)

    async def run() -> None:
        for _ in range(passes):
            for batch in batches:
                if stage == "none":
                    continue
                decoded, _ = decode_alertd_batch(batch)
                if stage in ("lane", "chart"):
                    await pipeline.handle("bench", 0, decoded, 0.0)
                if stage == "chart":
                    charts.observe_many(decoded)

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--baseline", type=Path, help="another checkout to count as well")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        stage, passes, events = args.child
        child(stage, int(passes), int(events))
        return
    require()
    result: dict[str, Any] = {"machine": machine(), "events": args.events}
    result["this_tree"] = per_event(ROOT, args.events)
    print(f"this tree: {result['this_tree']}", flush=True)
    if args.baseline is not None:
        result["baseline_tree"] = str(args.baseline)
        result["baseline"] = per_event(args.baseline.resolve(), args.events)
        print(f"baseline: {result['baseline']}", flush=True)
        result["ratio_total"] = round(
            result["this_tree"]["total_steady"] / result["baseline"]["total_steady"], 3
        )
    report("instructions", result)


if __name__ == "__main__":
    main()
