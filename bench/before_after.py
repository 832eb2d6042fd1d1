"""Before/after in one run: the old decoder and rule index swapped in, against today's.

The machine is shared, so figures from different hours do not compare. This script
loads ``decode_alertd`` and ``RuleIndex`` from older commits (``git show``; nothing in
the tree changes) and runs the hot-path workload of ``hotpath.py`` (decode ->
Pipeline.handle, 1,000 rules, 100k series, no Kafka) with the old and the current code
alternately, then once more with 1,000 rules on one metric told apart by a label.

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

import hotpath
from common import ROOT, Workload, machine, report

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
def old_code(rev: str, index_rev: str) -> Iterator[None]:
    decoders = load_old(rev, "alertd/ingest/decoders.py", "old_decoders")
    index = load_old(index_rev, "alertd/detect/index.py", "old_index")
    saved = hotpath.decode_alertd, alertd.detect.engine.RuleIndex
    hotpath.decode_alertd = decoders.decode_alertd
    alertd.detect.engine.RuleIndex = index.RuleIndex  # type: ignore[misc]
    try:
        yield
    finally:
        hotpath.decode_alertd, alertd.detect.engine.RuleIndex = saved  # type: ignore[misc]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="8ca7ea8", help="commit of the old decoder")
    parser.add_argument("--index-rev", default="2f4aad0", help="commit of the old rule index")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    workload = Workload(events=args.events)
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        with old_code(args.rev, args.index_rev):
            runs["before"].append(asyncio.run(hotpath.run(workload)))
        runs["after"].append(asyncio.run(hotpath.run(workload)))
        print(runs["before"][-1], runs["after"][-1], flush=True)
    best = {k: max(r["decode_and_handle_per_second"] for r in v) for k, v in runs.items()}
    decode = {k: max(r["decode_per_second"] for r in v) for k, v in runs.items()}
    report(
        "before_after",
        {
            "machine": machine(),
            "before_rev": {"decoder": args.rev, "index": args.index_rev},
            "runs": runs,
            "decode_per_second": decode,
            "decode_and_handle_per_second": best,
            "speedup": round(best["after"] / best["before"], 3),
            "decode_speedup": round(decode["after"] / decode["before"], 3),
        },
    )


if __name__ == "__main__":
    main()
