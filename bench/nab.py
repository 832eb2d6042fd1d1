"""NAB scorer: how early and how accurately the default ``anomaly: {}`` rule fires.

Feeds every CSV of the Numenta Anomaly Benchmark subset in shared/data/nab as events
through the same ``Evaluator`` the daemon and ``alertd backtest`` run, counts an alert
at each transition to firing, and scores the detections with NAB's standard profile
(see shared/data/nab/README.md): probation of the first 15% of rows (at most 750),
only the earliest detection in a window counts with a scaled-sigmoid reward by
position, detections outside windows cost A_FP scaled by distance from the previous
window, a missed window costs A_FN; the total is normalised between the null detector
(0) and the perfect one (100).

Run: ``.venv/bin/python bench/nab.py [--data DIR] [--rule YAML] [--per-file]``
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alertd.alerts.evaluator import Evaluator  # noqa: E402
from alertd.alerts.model import AlertState  # noqa: E402
from alertd.config.rules import RuleSpec  # noqa: E402
from alertd.ingest.event import Event  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"
"""shared/ sits beside the repository clone (as in CI and on developer machines)."""
DEFAULT_RULE = "{name: nab, match: {kind: metric, name: nab}, detect: {anomaly: {}}}"
PUBLISHED = {"Numenta HTM": 70.1, "CAD OSE": 69.9, "Windowed Gaussian": 39.65}


@dataclass(frozen=True)
class Costs:
    tp: float = 1.0
    fp: float = 0.11
    fn: float = 1.0


def sigmoid(x: float) -> float:
    """NAB's scaled sigmoid: +1 far before, 0 at the boundary, -1 far after.

    NAB's sweeper returns exactly -1 from 3 widths past a window on (an FP costs the
    full A_FP there), instead of the sigmoid's -0.9999997.
    """
    if x >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * x)) - 1.0


def probation_rows(rows: int) -> int:
    """NAB's probation: the first 15% of rows, at most 15% of 5000."""
    return min(math.floor(0.15 * rows), 750)


def scored_windows(rows: int, windows: Sequence[tuple[int, int]]) -> int:
    """Windows NAB counts: one lying wholly inside probation is neither TP nor FN."""
    probation = probation_rows(rows)
    return sum(1 for _, e in windows if e >= probation)


def parse_time(text: str) -> float:
    stamp = text.strip().split(".")[0]
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp()


def read_series(path: Path) -> tuple[list[float], list[float]]:
    times, values = [], []
    with path.open() as handle:
        for row in csv.DictReader(handle):
            times.append(parse_time(row["timestamp"]))
            values.append(float(row["value"]))
    return times, values


def window_rows(times: Sequence[float], windows: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
    """Each labelled window as (first row, last row) by timestamp."""
    rows = []
    for start, end in windows:
        lo, hi = parse_time(start), parse_time(end)
        inside = [i for i, t in enumerate(times) if lo <= t <= hi]
        if inside:
            rows.append((inside[0], inside[-1]))
    return rows


def detections(rule: RuleSpec, times: Sequence[float], values: Sequence[float]) -> list[int]:
    """Rows at which the rule's alert turned firing, through the real evaluator."""
    evaluator = Evaluator([rule])
    hits = []
    for row, (t, v) in enumerate(zip(times, values, strict=True)):
        event = Event(time=t, kind="metric", name="nab", value=v)
        if any(tr.state is AlertState.FIRING for tr in evaluator.process(event)):
            hits.append(row)
    return hits


def score_file(
    rows: int, windows: Sequence[tuple[int, int]], hits: Sequence[int], costs: Costs
) -> float:
    """Raw NAB score of one file."""
    probation = probation_rows(rows)
    raw = 0.0
    detected = [False] * len(windows)
    for i in hits:
        if i < probation:
            continue
        inside = next((w for w, (s, e) in enumerate(windows) if s <= i <= e), None)
        if inside is not None:
            if not detected[inside]:
                detected[inside] = True
                s, e = windows[inside]
                width = e - s + 1
                raw += costs.tp * sigmoid(-(e - i + 1) / width) / sigmoid(-1.0)
            continue
        before = [(s, e) for s, e in windows if e < i]
        if not before:
            raw -= costs.fp
            continue
        s, e = before[-1]
        width = e - s + 1
        raw += costs.fp * sigmoid((i - e) / max(width - 1, 1))
    missed = [hit for hit, (_, e) in zip(detected, windows, strict=True) if e >= probation]
    raw -= costs.fn * missed.count(False)
    return raw


def corpus(data: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted((data / "data").glob("*/*.csv")):
        yield f"{path.parent.name}/{path.name}", path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rule", default=DEFAULT_RULE, help="one rule as YAML")
    parser.add_argument("--per-file", action="store_true", help="print each file's score")
    args = parser.parse_args(argv)
    rule = RuleSpec.model_validate(yaml.safe_load(args.rule))
    labels = json.loads((args.data / "labels" / "combined_windows.json").read_text())
    costs = Costs()
    raw = null = perfect = 0.0
    alerts = files = 0
    started = time.perf_counter()
    for name, path in corpus(args.data):
        times, values = read_series(path)
        windows = window_rows(times, labels.get(name, []))
        hits = detections(rule, times, values)
        file_raw = score_file(len(times), windows, hits, costs)
        raw += file_raw
        null -= costs.fn * scored_windows(len(times), windows)
        perfect += costs.tp * len(windows)
        alerts += len(hits)
        files += 1
        if args.per_file:
            print(f"{name:60s} windows={len(windows)} alerts={len(hits):4d} raw={file_raw:+.3f}")
    score = 100.0 * (raw - null) / (perfect - null)
    elapsed = time.perf_counter() - started
    print(
        f"files: {files}  alerts: {alerts}  raw: {raw:.3f}  "
        f"null: {null:.1f}  perfect: {perfect:.1f}"
    )
    print(f"NAB standard-profile normalised score: {score:.2f}  ({elapsed:.1f}s)")
    for who, published in PUBLISHED.items():
        print(f"  published {who}: {published}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
