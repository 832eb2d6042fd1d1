"""Latency: event that crosses a `for: 0` rule -> page received, under background load.

alertd runs as a real `alertd run` process (1,000 background rules + one probe rule)
while this process produces background events at half of alertd's measured maximum
throughput (from bench/out/throughput.json, or --rate). Every 200 ms a probe event with
a new ``probe`` label crosses the probe rule; the clock stops when the page for that
probe reaches the loopback receiver: the webhook channel if alertd has it, else email to
a local aiosmtpd sink.

Then the same scenario goes through Prometheus + Alertmanager (Debian packages): a tiny
exporter exposes ``bench_probe{probe="N"} 1`` from the moment the probe starts, a
``for: 0`` rule fires, and Alertmanager's webhook posts to the same kind of receiver.
Once with their default settings and once with the tightest practical ones. That part
is skipped, with a message, when the binaries are not installed.

    .venv/bin/python bench/latency.py [--probes 150] [--rate N] [--skip-defaults]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import msgspec
from aiohttp import web
from aiokafka import AIOKafkaProducer
from common import OUT, ROOT, Workload, broker, create_topic, machine, report

from alertd.demo.smtp_sink import ReceivedMail, SmtpSink
from alertd.embedded.tansu import free_port

PARTITIONS = 4
PROBE_EVERY = 0.2
LIGHT = 1000
"""Background events/s of the light-load run (latency without queueing)."""
_PROBE = re.compile(rb'probe(?:=|"\s*:\s*")(\d+)')


class Receiver:
    """Loopback page receiver: notes when the first page for each probe arrived."""

    def __init__(self) -> None:
        self.arrived: dict[int, float] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    def seen(self, payload: bytes) -> None:
        now = time.time()
        for match in _PROBE.finditer(payload):
            self.arrived.setdefault(int(match.group(1)), now)

    async def _handle(self, request: web.Request) -> web.Response:
        self.seen(await request.read())
        return web.json_response({"status": "ok"})

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return f"http://127.0.0.1:{self.port}/hook"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def webhook_available() -> bool:
    try:
        import alertd.notify.channels.webhook  # noqa: F401
    except ImportError:
        return False
    return True


def percentiles(samples: list[float]) -> dict[str, Any]:
    if not samples:
        return {"count": 0}
    ms = sorted(s * 1000 for s in samples)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {
        "count": len(ms),
        "p50_ms": round(q[49], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(ms[-1], 1),
    }


# ---------------------------------------------------------------- alertd


def alertd_config(bootstrap: str, topic: str, port: int, channel: str, target: str) -> str:
    if channel == "webhook":
        receiver = f"    webhook_configs: [{{url: '{target}', send_resolved: false}}]"
        smtp = ""
    else:
        receiver = (
            "    email_configs: [{to: [oncall@example.com], from: alertd@example.com,"
            " send_resolved: false}]"
        )
        smtp = f"smtp: {{host: 127.0.0.1, port: {target}}}\n"
    return f"""\
kafka:
  bootstrap_servers: {bootstrap}
  group_id: {topic}
  partitions: 4
  topics: [{{name: {topic}}}]
  dlq_topic: {topic}.dlq
  session_timeout: 2s
  heartbeat_interval: 500ms
http: {{listen: "127.0.0.1:{port}"}}
{smtp}rule_files: [rules.yml]
route: {{receiver: oncall}}
receivers:
  - name: oncall
{receiver}
detect: {{clock_tick: 1s, idle_lag: 1h}}
logging: {{level: warning}}
"""


PROBE_RULE = """\
  - name: probe
    match: {kind: metric, name: bench_probe}
    group_by: [probe]
    detect: {threshold: {above: 0.5}}
    for: 0s
    severity: critical
"""


@contextlib.asynccontextmanager
async def alertd_process(config: Path, port: int) -> AsyncIterator[None]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "alertd",
        "run",
        "-c",
        str(config),
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
    )
    try:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"http://127.0.0.1:{port}/readyz") as resp:
                        if resp.status == 200:
                            break
                if process.returncode is not None:
                    raise RuntimeError("alertd run exited; see its stderr above")
                await asyncio.sleep(0.1)
        yield
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()


def background(
    bootstrap: str, topic: str, workload: Workload, rate: float, stop: Any, sent: Any
) -> None:
    """Below-threshold events at ``rate`` per second, in 10 ms slices, until ``stop``.

    Runs in a process of its own (see :func:`measure_alertd`): producing tens of
    thousands of events a second is real work, and in the process that receives the
    pages and stamps their arrival it would show up as alertd's latency.
    """
    asyncio.run(_produce_background(bootstrap, topic, workload, rate, stop, sent))


async def _produce_background(
    bootstrap: str, topic: str, workload: Workload, rate: float, stop: Any, sent: Any
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, max_batch_size=1_048_576)
    await producer.start()
    enc = msgspec.json.Encoder()
    cycle = _background_cycle(workload, enc)
    count, i, start = 0, 0, time.monotonic()
    try:
        while not stop.is_set():
            due = int((time.monotonic() - start) * rate)
            head = b'{"time":' + enc.encode(time.time())
            batches = [producer.create_batch() for _ in range(PARTITIONS)]
            while count < due:
                partition, key, rest = cycle[i % len(cycle)]
                batches[partition].append(key=key, value=head + rest, timestamp=None)
                count += 1
                i += 1
            futures = [
                await producer.send_batch(b, topic, partition=p)
                for p, b in enumerate(batches)
                if b.record_count()
            ]
            await asyncio.gather(*futures)
            sent.value = count
            await asyncio.sleep(0.01)
    finally:
        await producer.stop()


def _background_cycle(
    workload: Workload, enc: msgspec.json.Encoder
) -> list[tuple[int, bytes, bytes]]:
    """(partition, key, JSON after the time) of each background event, encoded once.

    The generator shares the two cores with alertd and the broker: encoding each event
    afresh cost it about 2.2 us per event (0.65 us this way), CPU taken from what is
    measured. Event ``i`` is the ``i % len``-th entry: metric ``m{i % rules}``, host
    ``h{(i // rules) % hosts}``, value ``i % 80``, a cycle of rules x hosts events.
    """
    cycle = []
    for i in range(workload.rules * workload.hosts):
        host = (i // workload.rules) % workload.hosts
        event = {
            "kind": "metric",
            "name": f"m{i % workload.rules}",
            "value": float(i % 80),
            "labels": {"service": "api", "host": f"h{host}", "region": "eu-west"},
        }
        cycle.append((host % PARTITIONS, f"h{host}".encode(), b"," + enc.encode(event)[1:]))
    return cycle


async def measure_alertd(
    bootstrap: str, workload: Workload, rate: float, probes: int, channel: str, name: str
) -> dict[str, Any]:
    topic = f"bench.latency.{name}"
    await create_topic(bootstrap, topic, PARTITIONS)
    receiver, sink = Receiver(), None
    target = await receiver.start()
    if channel == "email":
        sink = SmtpSink(on_message=lambda m: receiver.seen(_mail_bytes(m)))
        target = str(await sink.start())
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "rules.yml").write_text(workload.rules_yaml() + PROBE_RULE)
        config = Path(tmp) / "alertd.yml"
        config.write_text(alertd_config(bootstrap, topic, port, channel, target))
        fast = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0, acks=1)
        await fast.start()
        spawn = multiprocessing.get_context("spawn")
        stop, sent = spawn.Event(), spawn.Value("q", 0)
        load = spawn.Process(target=background, args=(bootstrap, topic, workload, rate, stop, sent))
        sent_at: dict[int, float] = {}
        try:
            async with alertd_process(config, port):
                load.start()
                t_load = time.monotonic()
                await asyncio.sleep(5)  # group joined, load steady
                for n in range(probes):
                    await _send_probe(fast, topic, n, sent_at)
                    await asyncio.sleep(PROBE_EVERY)
                await _wait_all(receiver, sent_at, 10)
                internal = await _internal(port)
                stop.set()
                await asyncio.to_thread(load.join, 30)
                load_rate = sent.value / (time.monotonic() - t_load)
        finally:
            stop.set()
            if load.is_alive():
                load.terminate()
            await fast.stop()
            await receiver.stop()
            if sink is not None:
                await sink.stop()
    result = _latencies(receiver, sent_at)
    return {
        **result,
        "channel": channel,
        "background_per_second": round(load_rate),
        **internal,
    }


async def _internal(port: int) -> dict[str, Any]:
    """alertd's own view: consumer lag at the end, and the consumed-to-delivered time
    (mean, and how many pages took over 100 ms once consumed: the rest of a tail is
    time before alertd took the record)."""
    url = f"http://127.0.0.1:{port}/metrics"
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        text = await resp.text()
    values: dict[str, float] = {}
    for line in text.splitlines():
        for key in (
            "alertd_consumer_lag{",
            "alertd_event_to_notification_seconds_sum{",
            "alertd_event_to_notification_seconds_count{",
        ):
            if line.startswith(key):
                values[key] = values.get(key, 0.0) + float(line.rsplit(" ", 1)[1])
        if line.startswith(_BUCKET) and _UNDER_100MS in line:
            values[_BUCKET] = values.get(_BUCKET, 0.0) + float(line.rsplit(" ", 1)[1])
    count = values.get("alertd_event_to_notification_seconds_count{", 0.0)
    total = values.get("alertd_event_to_notification_seconds_sum{", 0.0)
    return {
        "final_consumer_lag": int(values.get("alertd_consumer_lag{", 0.0)),
        "consumed_to_delivered_mean_ms": round(total / count * 1000, 1) if count else None,
        "consumed_to_delivered_over_100ms": int(count - values.get(_BUCKET, 0.0)),
    }


_BUCKET, _UNDER_100MS = "alertd_event_to_notification_seconds_bucket{", 'le="0.1"}'
"""Deliveries within 100 ms of consuming their event, summed over the channels."""


def _mail_bytes(mail: ReceivedMail) -> bytes:
    return mail.subject.encode()


async def _send_probe(
    producer: AIOKafkaProducer, topic: str, n: int, sent_at: dict[int, float]
) -> None:
    value = json.dumps(
        {
            "time": time.time(),
            "kind": "metric",
            "name": "bench_probe",
            "value": 1.0,
            "labels": {"probe": str(n)},
        }
    ).encode()
    sent_at[n] = time.time()
    await producer.send(topic, value, key=f"h{n}".encode(), partition=n % PARTITIONS)


async def _wait_all(receiver: Receiver, sent_at: dict[int, float], grace: float) -> None:
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and not sent_at.keys() <= receiver.arrived.keys():
        await asyncio.sleep(0.05)


def _latencies(receiver: Receiver, sent_at: dict[int, float]) -> dict[str, Any]:
    samples = [receiver.arrived[n] - t for n, t in sent_at.items() if n in receiver.arrived]
    return {**percentiles(samples), "probes": len(sent_at), "lost": len(sent_at) - len(samples)}


# ------------------------------------------------ Prometheus + Alertmanager

DEFAULTS = {
    "scrape_interval": "1m",
    "evaluation_interval": "1m",
    "group_wait": "30s",
    "group_interval": "5m",
}
"""Prometheus' and Alertmanager's built-in defaults (what an unset key means)."""

TIGHT = {
    "scrape_interval": "1s",
    "evaluation_interval": "1s",
    "group_wait": "0s",
    "group_interval": "1s",
}


class Exporter:
    """Exposes ``bench_probe{probe="N"} 1`` for every started probe."""

    def __init__(self) -> None:
        self.active: list[int] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def _metrics(self, request: web.Request) -> web.Response:
        lines = ["# TYPE bench_probe gauge"]
        lines += [f'bench_probe{{probe="{n}"}} 1' for n in self.active]
        return web.Response(text="\n".join(lines) + "\n")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def prometheus_binaries() -> tuple[str, str] | None:
    prom = shutil.which("prometheus")
    am = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    return (prom, am) if prom and am else None


async def measure_prometheus(
    settings: dict[str, str], probes: int, spacing: float, wait: float
) -> dict[str, Any]:
    binaries = prometheus_binaries()
    assert binaries is not None
    prom_bin, am_bin = binaries
    exporter, receiver = Exporter(), Receiver()
    await exporter.start()
    hook = await receiver.start()
    prom_port, am_port, cluster_port = free_port(), free_port(), free_port()
    sent_at: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "rules.yml").write_text(
            "groups:\n- name: bench\n  rules:\n  - alert: probe\n"
            "    expr: bench_probe > 0.5\n    for: 0s\n"
            "    labels: {severity: critical}\n"
        )
        (d / "prometheus.yml").write_text(
            f"global:\n  scrape_interval: {settings['scrape_interval']}\n"
            f"  evaluation_interval: {settings['evaluation_interval']}\n"
            "rule_files: [rules.yml]\n"
            "alerting:\n  alertmanagers:\n  - static_configs:\n"
            f"    - targets: ['127.0.0.1:{am_port}']\n"
            "scrape_configs:\n- job_name: probe\n  static_configs:\n"
            f"  - targets: ['127.0.0.1:{exporter.port}']\n"
        )
        (d / "am.yml").write_text(
            "route:\n  receiver: hook\n  group_by: [probe]\n"
            f"  group_wait: {settings['group_wait']}\n"
            f"  group_interval: {settings['group_interval']}\n  repeat_interval: 1h\n"
            f"receivers:\n- name: hook\n  webhook_configs:\n  - url: '{hook}'\n"
            "    send_resolved: false\n"
        )
        am = await asyncio.create_subprocess_exec(
            am_bin,
            f"--config.file={d / 'am.yml'}",
            f"--storage.path={d / 'am'}",
            f"--web.listen-address=127.0.0.1:{am_port}",
            f"--cluster.listen-address=127.0.0.1:{cluster_port}",
            "--log.level=warn",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        prom = await asyncio.create_subprocess_exec(
            prom_bin,
            f"--config.file={d / 'prometheus.yml'}",
            f"--storage.tsdb.path={d / 'prom'}",
            f"--web.listen-address=127.0.0.1:{prom_port}",
            "--log.level=warn",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            await asyncio.sleep(3)  # both up, first scrape done
            for n in range(probes):
                sent_at[n] = time.time()
                exporter.active.append(n)
                await asyncio.sleep(spacing)
            await _wait_all(receiver, sent_at, wait)
        finally:
            for proc in (prom, am):
                if proc.returncode is None:
                    proc.terminate()
                    await proc.wait()
            await exporter.stop()
            await receiver.stop()
    return {**_latencies(receiver, sent_at), "settings": settings}


# ------------------------------------------------------------------ main


def max_rate() -> tuple[float, str] | None:
    """alertd's measured maximum: one `alertd run` process (scaleout.py), else in-process."""
    scale, through = OUT / "scaleout.json", OUT / "throughput.json"
    if scale.exists():
        runs = json.loads(scale.read_text())["runs"]
        best = max((r["steady_per_second"] or 0) for r in runs if r["processes"] == 1)
        if best:
            return float(best), "bench/out/scaleout.json (one `alertd run` process)"
    if through.exists():
        rate = float(json.loads(through.read_text())["alertd"]["per_second"])
        return rate, "bench/out/throughput.json (in-process Daemon)"
    return None


async def main(args: argparse.Namespace) -> None:
    workload = Workload(rules=args.rules, series=args.series)
    measured = max_rate()
    rate = args.rate or (measured[0] / 2 if measured else 20_000.0)
    channel = "webhook" if webhook_available() else "email"
    if channel == "email":
        print("the webhook channel is not there yet: alertd pages by email to a local sink")
    light: dict[str, Any] | None = None
    async with broker() as bootstrap:
        ours = await measure_alertd(bootstrap, workload, rate, args.probes, channel, "half")
        print(f"alertd at {rate:.0f}/s: {ours}", flush=True)
        if not args.skip_light:
            light = await measure_alertd(bootstrap, workload, LIGHT, args.probes, channel, "light")
            print(f"alertd at {LIGHT}/s: {light}", flush=True)
    result: dict[str, Any] = {
        "machine": machine(),
        "max_throughput_per_second": measured[0] if measured else None,
        "max_throughput_from": measured[1] if measured else "not measured: run throughput.py",
        "target_rate_per_second": round(rate),
        "alertd": ours,
        "alertd_light_load": light,
        "target_p99_ms": 100,
    }
    if prometheus_binaries() is None:
        print(
            "Prometheus/Alertmanager comparison skipped: `prometheus` and "
            "`prometheus-alertmanager` not found on PATH "
            "(apt-get install -y prometheus prometheus-alertmanager)"
        )
        result["prometheus"] = "skipped: binaries not installed"
    else:
        tight = await measure_prometheus(TIGHT, args.prom_probes, 0.25, 15)
        print(f"prometheus tight: {tight}", flush=True)
        result["prometheus_tight"] = tight
        if tight.get("p50_ms") and ours.get("p50_ms"):
            result["ratio_tight_p50"] = round(tight["p50_ms"] / ours["p50_ms"], 1)
            result["ratio_tight_p99"] = round(tight["p99_ms"] / ours["p99_ms"], 1)
        if not args.skip_defaults:
            default = await measure_prometheus(DEFAULTS, 6, 10.0, 190)
            print(f"prometheus defaults: {default}", flush=True)
            result["prometheus_defaults"] = default
            if default.get("p50_ms") and ours.get("p50_ms"):
                result["ratio_defaults_p50"] = round(default["p50_ms"] / ours["p50_ms"], 1)
    report("latency", result)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=150)
    parser.add_argument("--prom-probes", type=int, default=40)
    parser.add_argument("--rate", type=float, default=0.0, help="background events/s")
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--skip-defaults", action="store_true", help="skip the ~4 min run")
    parser.add_argument("--skip-light", action="store_true", help="skip the 1,000/s run")
    asyncio.run(main(parser.parse_args()))
