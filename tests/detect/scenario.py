"""One scenario that exercises every detector family: rules plus a deterministic event feed.

Used by the Kafka end-to-end test (live daemon vs. backtest) and the backtest command
test. Each rule is built to fire at least once within the two hours of events.
"""

from __future__ import annotations

import random

from alertd.ingest.event import Event

RULES = """\
rules:
  - name: cpu_high
    match: {kind: metric, name: cpu, labels: {region: "eu-*"}}
    group_by: [region]
    detect: {threshold: {above: 0.9, reset: 0.8}}
    for: 2m
  - name: error_logs
    match: {kind: log, name: error}
    group_by: [region]
    detect: {rate: {window: 5m, above: 5}}
  - name: orders_stopped
    match: {kind: log, name: order}
    detect: {flatline: {window: 10m}}
  - name: login_spike
    match: {kind: log, name: login}
    detect: {spike: {window: 5m, baseline: 30m}}
  - name: checkout_ratio
    match: {kind: log, name: request}
    group_by: [region]
    detect:
      ratio: {numerator: {labels: {status: "5*"}}, denominator: {}, window: 5m, above: 0.2}
  - name: api_slo
    match: {kind: metric, name: api_error_ratio}
    detect: {burn_rate: {objective: 99.0, windows: page}}
  - name: disk_filling
    match: {kind: metric, name: disk}
    group_by: [host]
    detect: {trend: {above: 0.95, window: 30m, horizon: 2h}}
    for: 5m
  - name: latency_anomaly
    match: {kind: metric, name: latency}
    detect: {anomaly: {}}
  - name: exporter_silent
    match: {kind: metric, name: up}
    group_by: [instance]
    detect: {absent: {after: 5m}}
  - name: region_degraded
    group_by: [region]
    detect: {all_of: {rules: [cpu_high, error_logs]}}
"""

RULE_NAMES = [
    "cpu_high",
    "error_logs",
    "orders_stopped",
    "login_spike",
    "checkout_ratio",
    "api_slo",
    "disk_filling",
    "latency_anomaly",
    "exporter_silent",
    "region_degraded",
]

STEP = 30


def events(start: int, steps: int = 240) -> list[Event]:
    """Two hours (at 30s steps) of events in time order; integer seconds round-trip JSON."""
    rng = random.Random(42)
    out: list[Event] = []

    def add(t: int, kind: str, name: str, value: float | None = None, **labels: str) -> None:
        out.append(Event(time=float(t), kind=kind, name=name, value=value, labels=labels))  # type: ignore[arg-type]

    for i in range(steps):
        t = start + i * STEP
        hot = 100 <= i < 130
        add(t, "metric", "cpu", 0.95 if hot else 0.5, region="eu-west")
        if hot:
            add(t, "log", "error", region="eu-west")
            add(t, "log", "error", region="eu-west")
        if i < 150:
            add(t, "log", "order")
        add(t, "log", "login")
        if 180 <= i < 200:
            for _ in range(5):
                add(t, "log", "login")
        status = "503" if 60 <= i < 80 else "200"
        add(t, "log", "request", status=status, region="us")
        add(t, "log", "request", status="200", region="us")
        add(t, "metric", "api_error_ratio", 0.5 if 200 <= i < 230 else 0.001)
        add(t, "metric", "disk", 0.3 + 0.002 * i, host="db1")
        add(t, "metric", "latency", 0.2 + rng.gauss(0, 0.01) + (2.0 if i == 170 else 0.0))
        if i < 50 or i > 100:
            add(t, "metric", "up", 1.0, instance="a")
    return out
