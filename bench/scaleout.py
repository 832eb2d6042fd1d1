"""Scale-out: two `alertd run` processes in one consumer group against one.

The topic is pre-produced (partitions balanced by host); then 1, and later 2, real
`alertd run` OS processes consume it in a fresh group. The parent polls each process's
``alertd_events_consumed_total`` on /metrics every 50 ms. Two rates are reported:

* steady: events consumed per second while *every* process is consuming (from the
  moment the last one got its first record to the moment the first one ran dry), which
  leaves out the group join and the tail;
* makespan: all events / (last event - first event), join and imbalance included.

1.2M events by default: with 400k, two processes shared a steady window of under a
second, and a single 50 ms poll moved the ratio by several percent.

    .venv/bin/python bench/scaleout.py [--events 1200000] [--partitions 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from common import ROOT, Workload, bench_config, broker, create_topic, machine, produce, report

from alertd.embedded.tansu import free_port

TIMEOUT = 120.0
POLL = 0.05
METRIC = "alertd_events_consumed_total{"


class Worker:
    """One `alertd run` process and the (monotonic time, events consumed) samples of it."""

    def __init__(self, config: Path, port: int) -> None:
        self.config = config
        self.port = port
        self.samples: list[tuple[float, float]] = []
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "alertd",
            "run",
            "-c",
            str(self.config),
            cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=self.log.open("wb"),
        )

    @property
    def log(self) -> Path:
        return self.config.parent / "stderr.log"

    async def poll(self, http: aiohttp.ClientSession) -> float:
        try:
            async with http.get(f"http://127.0.0.1:{self.port}/metrics") as resp:
                text = await resp.text()
        except aiohttp.ClientError:
            return self.samples[-1][1] if self.samples else 0.0
        count = sum(
            float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(METRIC)
        )
        self.samples.append((time.monotonic(), count))
        return count

    @property
    def first(self) -> float:
        """Time of the first sample with events (the record arrived in the 50 ms before)."""
        return next(t for t, n in self.samples if n > 0)

    @property
    def last(self) -> float:
        final = self.samples[-1][1]
        return next(t for t, n in self.samples if n >= final)

    def count_at(self, t: float) -> float:
        """Events consumed at time ``t`` (linear between samples)."""
        prev_t, prev_n = self.samples[0][0], 0.0
        for st, n in self.samples:
            if st >= t:
                if st == prev_t:
                    return n
                return prev_n + (n - prev_n) * (t - prev_t) / (st - prev_t)
            prev_t, prev_n = st, n
        return prev_n

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def run_group(
    bootstrap: str, topic: str, workload: Workload, processes: int, tmp: Path, group: str
) -> dict[str, Any]:
    workers = []
    for i in range(processes):
        directory = tmp / f"{group}-{i}"
        directory.mkdir()
        port = free_port()
        (directory / "rules.yml").write_text(workload.rules_yaml())
        config = bench_config(bootstrap, topic, group).replace(
            '"127.0.0.1:0"', f'"127.0.0.1:{port}"'
        )
        (directory / "alertd.yml").write_text(config)
        workers.append(Worker(directory / "alertd.yml", port))
    await asyncio.gather(*(w.start() for w in workers))
    deadline = time.monotonic() + TIMEOUT
    try:
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                counts = await asyncio.gather(*(w.poll(http) for w in workers))
                if sum(counts) >= workload.events:
                    break
                await asyncio.sleep(POLL)
    finally:
        await asyncio.gather(*(w.stop() for w in workers))
    result = _rates(workers, workload.events)
    if not result["complete"]:
        for w in workers:
            print(f"--- {w.log} (last lines)\n{w.log.read_text()[-3000:]}", flush=True)
    return result


def _rates(workers: list[Worker], expect: int) -> dict[str, Any]:
    processes = len(workers)
    workers = [w for w in workers if w.samples and w.samples[-1][1] > 0]
    total = sum(w.samples[-1][1] for w in workers)
    start, end = min(w.first for w in workers), max(w.last for w in workers)
    both_from, both_to = max(w.first for w in workers), min(w.last for w in workers)
    in_window = sum(w.count_at(both_to) - w.count_at(both_from) for w in workers)
    window = both_to - both_from
    return {
        "processes": processes,
        "events": int(total),
        "complete": total >= expect,
        "per_process": [int(w.samples[-1][1]) for w in workers],
        "makespan_seconds": round(end - start, 3),
        "makespan_per_second": round(total / max(end - start, 1e-9)),
        "steady_window_seconds": round(window, 3),
        "steady_per_second": round(in_window / window) if window > 0.5 else None,
    }


async def main(args: argparse.Namespace) -> None:
    workload = Workload(rules=args.rules, series=args.series, events=args.events)
    results = []
    async with broker() as bootstrap:
        topic = "bench.scaleout"
        await create_topic(bootstrap, topic, args.partitions)
        await produce(bootstrap, topic, workload.records(), partitions=args.partitions)
        print(f"produced {workload.events} events", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            for i, processes in enumerate((1, 2, 1, 2)[: 2 * args.rounds]):
                result = await run_group(
                    bootstrap, topic, workload, processes, Path(tmp), f"scale-{i}"
                )
                print(result, flush=True)
                results.append(result)
    one = max(r["steady_per_second"] or 0 for r in results if r["processes"] == 1)
    two = max(r["steady_per_second"] or 0 for r in results if r["processes"] == 2)
    one_m = max(r["makespan_per_second"] for r in results if r["processes"] == 1)
    two_m = max(r["makespan_per_second"] for r in results if r["processes"] == 2)
    report(
        "scaleout",
        {
            "machine": machine(),
            "workload": {
                "rules": workload.rules,
                "series": workload.series,
                "events": workload.events,
                "partitions": args.partitions,
            },
            "runs": results,
            "steady_ratio": round(two / one, 3) if one else None,
            "makespan_ratio": round(two_m / one_m, 3),
            "target": 1.8,
        },
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_200_000)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1, choices=(1, 2))
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    asyncio.run(main(parser.parse_args()))
