"""Take parts of alertd's per-event work out of a benchmark process, to bound the rest.

A ratio with a part taken out is an upper bound on what any speed-up of that part can
buy: with ``detection`` out, alertd still decodes every record, charts it and commits
its offsets, so no faster detector, native or not, takes the ratio past that figure.
A stand-in (bench/native/stand_in.pyx, compiled on first use) puts a compiled lane that
does the least work any quiet lane must do in the evaluator's place: it shows what a
compiled lane could buy, and which kind of tables it would need. Never a result
against the target: ``bench/throughput.py`` marks every such run.

* ``detection``: the evaluator is handed each batch and returns at once;
* ``chart``: the proof report's chart buffer keeps nothing;
* ``decode``: each record stands for one event built once, of a name no rule watches
  (needs the other two out: their work on that event would not be the real one).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import common
from common import Workload

from alertd.alerts.evaluator import Evaluator
from alertd.ingest import batch
from alertd.ingest.event import Event
from alertd.proof.series import SeriesBuffer

PARTS = ("detection", "chart", "decode")
STAND_INS = ("own-tables", "python-tables")

_UNWATCHED = Event(time=0.0, kind="metric", name="ablation.unwatched")


def take_out(parts: Sequence[str]) -> None:
    """Patch this process so the named parts cost nothing (ValueError: a bad set)."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown parts {sorted(unknown)}; choose from {PARTS}")
    if "decode" in parts and not {"detection", "chart"} <= set(parts):
        raise ValueError("--without decode needs --without detection and --without chart")
    if "detection" in parts:
        Evaluator.process_batch = _nothing_happened  # type: ignore[method-assign]
    if "chart" in parts:
        SeriesBuffer.observe_many = _no_tickets  # type: ignore[method-assign]
    if "decode" in parts:
        batch.BATCH_DECODERS["alertd"] = _undecoded


def stand_in(kind: str, workload: Workload) -> Callable[[], dict[str, Any]]:
    """Put a compiled stand-in lane for ``workload``'s rules in the evaluator's place
    (one per evaluator, as the engine has); returns what the stand-ins did, to report."""
    lane_class = _compiled_stand_ins()[kind]
    names = [f"m{rule}" for rule in range(workload.rules)]
    lanes: dict[int, Any] = {}

    def process_batch(self: Evaluator, events: Sequence[Event]) -> list[Any]:
        lane = lanes.get(id(self))
        if lane is None:  # the workload's rules: one label matcher, grouped by host
            lane = lanes[id(self)] = lane_class(
                names, "service", ["api"] * len(names), "host", -math.inf, workload.threshold
            )
        return lane.run(events)  # type: ignore[no-any-return]

    Evaluator.process_batch = process_batch  # type: ignore[method-assign]
    return lambda: {
        "kind": kind,
        "applied": sum(lane.applied for lane in lanes.values()),
        "skipped": sum(lane.skipped for lane in lanes.values()),
        "live_series": sum(lane.live() for lane in lanes.values()),
    }


def _compiled_stand_ins() -> dict[str, Any]:
    import pyximport  # Cython, from the bench extra; needs a C++ compiler

    pyximport.install(language_level=3, build_dir=str(common.OUT / "pyxbld"))
    sys.path.insert(0, str(Path(__file__).parent / "native"))
    import stand_in as compiled

    return {"own-tables": compiled.OwnTables, "python-tables": compiled.PythonTables}


def _nothing_happened(self: Evaluator, events: Sequence[Event]) -> list[Any]:
    return []


def _no_tickets(self: SeriesBuffer, events: Sequence[Event]) -> list[Event]:
    return []


def _undecoded(records: Sequence[batch.Record]) -> tuple[list[Event], list[tuple[int, Exception]]]:
    return [_UNWATCHED] * len(records), []
