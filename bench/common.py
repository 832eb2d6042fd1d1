"""Shared pieces of the benchmarks: the broker, a fast producer, the workload, the report.

Every benchmark runs against the embedded Tansu broker on 127.0.0.1 and compares
alertd with a baseline measured in the same run, so the figures are ratios that mean
something on any machine.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TREE = Path(os.environ.get("ALERTD_BENCH_TREE") or ROOT)
"""The alertd source tree a benchmark imports: this checkout (`python bench/x.py`,
installed or not), or another one to compare with (bench/instructions.py --baseline)."""
if str(TREE) not in sys.path:
    sys.path.insert(0, str(TREE))

from alertd.embedded.tansu import EmbeddedBroker  # noqa: E402

BASE_TIME = 1_790_000_000.0


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


@asynccontextmanager
async def broker() -> AsyncIterator[str]:
    """A fresh embedded Tansu broker; yields its bootstrap address."""
    b = EmbeddedBroker()
    await b.start()
    try:
        yield b.bootstrap_servers
    finally:
        await b.stop()


async def create_topic(bootstrap: str, topic: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        await admin.close()


async def produce(
    bootstrap: str,
    topic: str,
    records: Iterable[tuple[bytes, bytes]],
    chunk: int = 5000,
    partitions: int | None = None,
) -> int:
    """Produce (key, value) records quickly: batched, acked per chunk, not per record.

    With ``partitions``, a key ``h<N>`` goes to partition ``N % partitions``, so every
    partition gets the same number of hosts (the default hash would be lumpy).
    """
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        linger_ms=20,
        max_batch_size=1_048_576,
        max_request_size=4_194_304,
        acks=1,
    )
    await producer.start()
    sent = 0
    try:
        pending = []
        for key, value in records:
            part = int(key[1:]) % partitions if partitions else None
            pending.append(await producer.send(topic, value, key=key, partition=part))
            if len(pending) >= chunk:
                for fut in pending:
                    await fut
                sent += len(pending)
                pending.clear()
        for fut in pending:
            await fut
        sent += len(pending)
    finally:
        await producer.stop()
    return sent


class Workload(msgspec.Struct, frozen=True):
    """``rules`` rules on distinct metric names, ``series`` live series spread over them.

    Event ``i`` goes to metric ``m{i % rules}`` and host ``h{(i // rules) % hosts}``, so
    the first ``series`` events touch every series once. Keys are the host, so a series
    always lands on the same partition (the way producers should key).
    """

    rules: int = 1000
    series: int = 100_000
    events: int = 300_000
    threshold: float = 90.0

    @property
    def hosts(self) -> int:
        return max(1, self.series // self.rules)

    def rules_yaml(self) -> str:
        lines = ["rules:"]
        for r in range(self.rules):
            lines += [
                f"  - name: bench_rule_{r}",
                f"    match: {{kind: metric, name: m{r}, labels: {{service: api}}}}",
                "    group_by: [host]",
                f"    detect: {{threshold: {{above: {self.threshold}}}}}",
                "    severity: warning",
            ]
        return "\n".join(lines) + "\n"

    def records(self, start: int = 0, count: int | None = None) -> Iterator[tuple[bytes, bytes]]:
        """Canonical alertd JSON events, all below the threshold."""
        enc = msgspec.json.Encoder()
        hosts, rules = self.hosts, self.rules
        stop = self.events if count is None else start + count
        for i in range(start, stop):
            host = f"h{(i // rules) % hosts}"
            event = {
                "time": rfc3339(BASE_TIME + i * 0.001),
                "kind": "metric",
                "name": f"m{i % rules}",
                "value": float(i % 80),
                "labels": {"service": "api", "host": host, "region": "eu-west"},
            }
            yield host.encode(), enc.encode(event)


def rfc3339(epoch: float) -> str:
    """RFC 3339 with milliseconds, as the contract's canonical events carry it."""
    stamp = datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def report(name: str, data: dict[str, Any]) -> Path:
    """Print a result and keep it as JSON under bench/out/ for RESULTS.md."""
    OUT.mkdir(exist_ok=True)
    data = {"bench": name, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **data}
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(json.dumps(data, indent=2))
    return path


def bench_config(
    bootstrap: str,
    topic: str,
    group: str,
    *,
    extra: str = "",
    max_batch: int = 500,
    partitions: int = 4,
    session_timeout: float = 2.0,
) -> str:
    """A minimal alertd.yml for benchmarks: one topic, no receivers unless ``extra`` adds them.

    ``partitions`` must match the input topic's: the state changelog alertd creates is
    co-partitioned with it.
    """
    return f"""\
kafka:
  bootstrap_servers: {bootstrap}
  group_id: {group}
  topics: [{{name: {topic}}}]
  dlq_topic: {topic}.dlq
  session_timeout: {session_timeout}s
  heartbeat_interval: {session_timeout / 4}s
  max_batch: {max_batch}
  partitions: {partitions}
http: {{listen: "127.0.0.1:0"}}
rule_files: [rules.yml]
detect: {{clock_tick: 1s, idle_lag: 1h}}
logging: {{level: warning}}
{extra}"""
