"""Memory: bytes per live series, and what 1M series do with and without expiry.

Part 1 (tracemalloc): an Evaluator with one rule receives points for N distinct series
(``group_by: [host]``); the memory it holds afterwards, minus what it held before,
divided by N, is the cost of one live series: the detector object, its key (rule name,
label values), the engine's bookkeeping. Threshold and anomaly are the target; other
built-in detectors are shown for reference (windowed ones grow with points per window).

tracemalloc sees Python's allocator only, not the C++ nodes of the compiled series map
(alertd/detect/table.py), so part 1 files every series in Python tables; part 2's RSS
counts whatever the engine uses, native or not.

Part 2 (RSS): 1,000,000 distinct series, one point each, 1,000 new series per second
of event time; once without expiry and once calling ``Engine.expire_idle(now, ttl=60s)``
every 10,000 events, to show that the live set and the memory stay bounded.

Part 3 (RSS): 1,000,000 distinct series created by the quiet lane
(``Evaluator.process_batch``, as the daemon consumes), in Python tables and in the
compiled map, where a resting series is a slot and no detector is built; each in a
fresh process, so neither reuses memory the other freed.

    .venv/bin/python bench/memory.py [--series 20000] [--points 20] [--million 1000000]
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from common import BASE_TIME, machine, report

from alertd.alerts.evaluator import Evaluator
from alertd.config.rules import RuleSpec
from alertd.ingest.event import Event

DETECTORS: dict[str, dict[str, Any]] = {
    "threshold": {"above": 1e9},
    "anomaly": {},
    "trend": {"above": 1e9},
    "rate": {},
    "absent": {},
}
TARGET = 1024


def evaluator(detector: str, params: dict[str, Any], *, native: bool = True) -> Evaluator:
    spec = RuleSpec.model_validate(
        {
            "name": f"mem_{detector}",
            "match": {"kind": "metric", "name": "cpu"},
            "group_by": ["host"],
            "detect": {detector: params},
        }
    )
    if "native_series" not in inspect.signature(Evaluator).parameters:
        return Evaluator([spec])  # a tree from before the compiled map
    return Evaluator([spec], native_series=native)


def point(t: float, host: int, value: float) -> Event:
    return Event(t, "metric", "cpu", value, {"host": f"host-{host:07d}", "region": "eu-west"})


def per_series(detector: str, params: dict[str, Any], series: int, points: int) -> dict[str, Any]:
    ev = evaluator(detector, params, native=False)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    t = BASE_TIME
    for p in range(points):
        for host in range(series):
            ev.process(point(t, host, 50.0 + (host * 7 + p * 13) % 10))
            t += 0.001
    drain(ev)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    live = ev.engine.series_count
    per = (after - before) / max(live, 1)
    return {"live_series": live, "points_per_series": points, "bytes_per_series": round(per)}


def drain(ev: Evaluator) -> None:
    """Empty the changed-series sets, as the daemon's changelog flush does.

    (Without a drainer each set keeps one key per series ever seen, expired or not.)
    """
    for part in (ev.engine, ev.lifecycle):
        drain_dirty = getattr(part, "drain_dirty", None)
        if drain_dirty is not None:
            drain_dirty()


def rss() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    import resource

    return pages * resource.getpagesize()


def million(total: int, expire: bool, ttl: float = 60.0) -> dict[str, Any]:
    ev = evaluator("threshold", DETECTORS["threshold"])
    has_expiry = hasattr(ev.engine, "expire_idle")
    if expire and not has_expiry:
        return {"skipped": "Engine.expire_idle does not exist"}
    gc.collect()
    start_rss, peak_live, expired = rss(), 0, 0
    t0 = time.perf_counter()
    for i in range(total):
        now = BASE_TIME + i * 0.001
        ev.process(point(now, i, 1.0))
        if i % 10_000 == 9_999:
            drain(ev)
            if expire:
                expired += ev.engine.expire_idle(now, ttl)
            peak_live = max(peak_live, ev.engine.series_count)
    elapsed = time.perf_counter() - t0
    gc.collect()
    grown = rss() - start_rss
    result = {
        "series_seen": total,
        "expiry": f"expire_idle(now, ttl={ttl:g}s) every 10k events" if expire else "none",
        "live_at_end": ev.engine.series_count,
        "peak_live": peak_live,
        "expired": expired,
        "rss_growth_mb": round(grown / 2**20, 1),
        "events_per_second": round(total / elapsed),
    }
    del ev
    gc.collect()
    return result


def lane_million(total: int, *, native: bool) -> dict[str, Any]:
    """``total`` series created through the quiet lane, 500 events a batch."""
    ev = evaluator("threshold", DETECTORS["threshold"], native=native)
    tables = type(ev.engine._series.of_rule("mem_threshold")).__name__
    gc.collect()
    start_rss = rss()
    for first in range(0, total, 500):
        last = min(first + 500, total)
        ev.process_batch([point(BASE_TIME + i * 0.001, i, 1.0) for i in range(first, last)])
    gc.collect()
    grown, live = rss() - start_rss, ev.engine.series_count
    del ev
    gc.collect()
    return {
        "tables": tables,
        "live": live,
        "rss_growth_mb": round(grown / 2**20, 1),
        "bytes_per_series": round(grown / max(live, 1)),
    }


def lane_million_apart(total: int, *, native: bool) -> dict[str, Any]:
    child = [sys.executable, __file__, "--lane-child", str(total), "native" if native else "dict"]
    done = subprocess.run(child, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=20_000)
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--million", type=int, default=1_000_000)
    parser.add_argument("--lane-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lane_child:
        total, tables = args.lane_child
        print(json.dumps(lane_million(int(total), native=tables == "native")))
        return
    detectors: dict[str, Any] = {}
    for name, params in DETECTORS.items():
        try:
            detectors[name] = per_series(name, params, args.series, args.points)
        except Exception as exc:  # a detector bug is a finding, not the end of the run
            tracemalloc.stop()
            detectors[name] = {"error": f"{type(exc).__name__}: {exc}"}
        print(name, detectors[name], flush=True)
    bounded = million(args.million, expire=True)
    print("1M with expiry:", bounded, flush=True)
    unbounded = million(args.million, expire=False)
    print("1M without expiry:", unbounded, flush=True)
    through_lane = [lane_million_apart(args.million, native=n) for n in (False, True)]
    print("1M through the quiet lane:", through_lane, flush=True)
    report(
        "memory",
        {
            "machine": machine(),
            "per_series": detectors,
            "target_bytes_per_series": TARGET,
            "million_with_expiry": bounded,
            "million_without_expiry": unbounded,
            "million_through_the_lane": through_lane,
        },
    )


if __name__ == "__main__":
    main()
