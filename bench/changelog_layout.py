"""Changelog layouts compared on the throughput workload: one record per series, or buckets.

Replays the throughput benchmark's events (same rules, series, partitioning and 500-event
batches) through one ``Evaluator`` per partition, without Kafka, and counts what each
layout would write after every batch: records, bytes, and the time to build them.

* ``per series``: alertd's layout, one record per changed series (unchanged ones skipped).
* ``buckets N``: series keys hashed into N buckets per partition; a dirty bucket is
  rewritten whole (every series in it), encoded from a cache of each series' latest
  value, so only changed series are re-encoded.

    .venv/bin/python bench/changelog_layout.py [--events 300000] [--buckets 16 256 4096]
"""

from __future__ import annotations

import argparse
import time
import zlib
from collections import defaultdict

import msgspec
from common import Workload, report

from alertd.alerts.evaluator import Evaluator
from alertd.config.rules import RuleSpec
from alertd.detect.table import SeriesKey
from alertd.ingest.decoders import get_decoder
from alertd.state import keys
from alertd.state.records import encode_series

PARTITIONS = 4
BATCH = 500
_encoder = msgspec.msgpack.Encoder()


def rule_specs(workload: Workload) -> list[RuleSpec]:
    import yaml

    return [RuleSpec.model_validate(r) for r in yaml.safe_load(workload.rules_yaml())["rules"]]


def batches(workload: Workload) -> list[tuple[int, list[bytes]]]:
    """(partition, values) in the order one consumer would see them, BATCH at a time."""
    per_partition: dict[int, list[bytes]] = defaultdict(list)
    for key, value in workload.records():
        per_partition[int(key[1:]) % PARTITIONS].append(value)
    out = []
    for partition, values in per_partition.items():
        out += [(partition, values[i : i + BATCH]) for i in range(0, len(values), BATCH)]
    return out


class Layout:
    def __init__(self, buckets: int | None) -> None:
        self.buckets = buckets
        self.records = 0
        self.bytes = 0
        self.seconds = 0.0
        self._members: dict[tuple[int, int], dict[SeriesKey, bytes]] = defaultdict(dict)
        """(partition, bucket) -> latest encoded value of each series in it."""

    def flush(self, partition: int, changed: dict[SeriesKey, bytes]) -> None:
        start = time.perf_counter()
        if self.buckets is None:
            for (rule, group), value in changed.items():
                key = keys.key(keys.SERIES, "t", rule, list(group))
                self.records += 1
                self.bytes += len(key) + len(value)
        else:
            dirty: set[int] = set()
            for series_key, value in changed.items():
                bucket = self._bucket(series_key)
                self._members[(partition, bucket)][series_key] = value
                dirty.add(bucket)
            for bucket in dirty:
                members = self._members[(partition, bucket)]
                record = _encoder.encode([[r, list(g), v] for (r, g), v in members.items()])
                self.records += 1
                self.bytes += len(keys.key("S", "t", bucket)) + len(record)
        self.seconds += time.perf_counter() - start

    def _bucket(self, key: SeriesKey) -> int:
        assert self.buckets is not None
        return zlib.crc32(f"{key[0]}\x00{chr(31).join(key[1])}".encode()) % self.buckets


def main(args: argparse.Namespace) -> None:
    workload = Workload(events=args.events)
    specs = rule_specs(workload)
    decode = get_decoder("alertd")
    evaluators = {p: Evaluator(specs) for p in range(PARTITIONS)}
    layouts = [Layout(None), *(Layout(n) for n in args.buckets)]
    written: dict[SeriesKey, bytes] = {}
    for partition, values in batches(workload):
        evaluator = evaluators[partition]
        for value in values:
            for event in decode(value):
                evaluator.process(event)
        changed = {}
        for key, series, touched in evaluator.engine.drain_dirty():
            assert series is not None
            value = encode_series(series, touched - touched % 60)
            if written.get(key) != value:
                changed[key] = written[key] = value
        for layout in layouts:
            layout.flush(partition, changed)
    rows = [
        {
            "layout": "per series" if layout.buckets is None else f"buckets {layout.buckets}",
            "records": layout.records,
            "megabytes": round(layout.bytes / 1e6, 1),
            "build_seconds": round(layout.seconds, 2),
        }
        for layout in layouts
    ]
    for row in rows:
        print(row)
    report("changelog_layout", {"events": workload.events, "batch": BATCH, "layouts": rows})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--buckets", type=int, nargs="+", default=[16, 256, 4096])
    main(parser.parse_args())
