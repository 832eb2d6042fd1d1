"""Telegraf's JSON output (``data_format = "json"``), single or batch form.

Telegraf writes ``{"fields": {...}, "name": "docker", "tags": {...}, "timestamp": N}``
or ``{"metrics": [...]}`` when an output batches. Each numeric field becomes one metric
event named ``<name>_<field>`` (as Telegraf's Prometheus output names them); booleans
count as 1/0 and string fields ride along as attributes. A metric with only string
fields becomes one ``log`` event.

``timestamp`` is epoch time in ``json_timestamp_units`` (default 1s); the unit is
recognised by magnitude, so 1s, 1ms, 1us and 1ns all work without configuration. A
``json_timestamp_format`` in RFC 3339 works too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from alertd.ingest.event import Event
from alertd.ingest.formats.build import make_event
from alertd.ingest.formats.jsonbody import JSON_OBJECT, convert, decode_json

_FieldValue = float | bool | str


class _Metric(msgspec.Struct, frozen=True):
    name: str
    fields: dict[str, _FieldValue]
    timestamp: float | Annotated[datetime, msgspec.Meta(tz=True)]
    tags: dict[str, str] = msgspec.field(default_factory=dict)


class _Batch(msgspec.Struct, frozen=True):
    metrics: list[_Metric]


_UNIT_LIMITS = ((1e11, 1.0), (1e14, 1e3), (1e17, 1e6))
"""Below each limit the epoch number is in the unit divided by the factor."""


def epoch_seconds(stamp: float | datetime) -> float:
    """Seconds from an epoch number in s/ms/us/ns (told apart by size) or a datetime."""
    if isinstance(stamp, datetime):
        return stamp.timestamp()
    for limit, factor in _UNIT_LIMITS:
        if abs(stamp) < limit:
            return stamp / factor
    return stamp / 1e9


def decode_telegraf(raw: bytes) -> list[Event]:
    what = "Telegraf JSON"
    obj = decode_json(raw, JSON_OBJECT, what)
    if "metrics" in obj:
        metrics = convert(obj, _Batch, what).metrics
    else:
        metrics = [convert(obj, _Metric, what)]
    events: list[Event] = []
    for metric in metrics:
        events.extend(_metric_events(metric))
    return events


def _metric_events(metric: _Metric) -> list[Event]:
    time = epoch_seconds(metric.timestamp)
    strings = {k: v for k, v in metric.fields.items() if isinstance(v, str)}
    numbers = {k: float(v) for k, v in metric.fields.items() if not isinstance(v, str)}
    if not numbers:
        return [make_event(time, "log", metric.name, None, metric.tags, strings)]
    return [
        make_event(time, "metric", f"{metric.name}_{field}", value, metric.tags, strings)
        for field, value in numbers.items()
    ]
