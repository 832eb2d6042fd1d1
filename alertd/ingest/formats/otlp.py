"""OTLP JSON metrics, as the OpenTelemetry Collector's Kafka exporter writes them
with ``encoding: otlp_json``: one ``ExportMetricsServiceRequest`` per record.

Gauge and sum data points become metric events under the metric's own name; histogram,
exponential histogram and summary points become ``<name>_count`` and ``<name>_sum``
(plus ``<name>`` with a ``quantile`` label for summary quantiles). Resource and data
point attributes become labels (data point attributes win). 64-bit integers arrive as
JSON strings per the OTLP/JSON mapping; numbers are accepted as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec

from alertd.ingest.decoders import DecodeError
from alertd.ingest.event import Event
from alertd.ingest.formats.build import make_event
from alertd.ingest.formats.jsonbody import decode_json, label_value

Int64 = int | str
"""OTLP/JSON encodes (u)int64 as a decimal string; producers sometimes send numbers."""


class _KeyValue(msgspec.Struct, frozen=True):
    key: str
    value: dict[str, Any] = msgspec.field(default_factory=dict)


class _Point(msgspec.Struct, frozen=True, rename="camel"):
    time_unix_nano: Int64 = 0
    attributes: list[_KeyValue] = msgspec.field(default_factory=list)
    as_double: float | None = None
    as_int: Int64 | None = None
    count: Int64 | None = None
    sum: float | None = None
    quantile_values: list[dict[str, float]] = msgspec.field(default_factory=list)
    flags: int = 0


class _Points(msgspec.Struct, frozen=True, rename="camel"):
    data_points: list[_Point] = msgspec.field(default_factory=list)


class _Metric(msgspec.Struct, frozen=True, rename="camel"):
    name: str
    unit: str = ""
    gauge: _Points | None = None
    sum: _Points | None = None
    histogram: _Points | None = None
    exponential_histogram: _Points | None = None
    summary: _Points | None = None


class _Scope(msgspec.Struct, frozen=True):
    metrics: list[_Metric] = msgspec.field(default_factory=list)


class _Resource(msgspec.Struct, frozen=True):
    attributes: list[_KeyValue] = msgspec.field(default_factory=list)


class _ResourceMetrics(msgspec.Struct, frozen=True, rename="camel"):
    resource: _Resource = msgspec.field(default_factory=_Resource)
    scope_metrics: list[_Scope] = msgspec.field(default_factory=list)


class _Request(msgspec.Struct, frozen=True, rename="camel"):
    resource_metrics: list[_ResourceMetrics]


_decoder = msgspec.json.Decoder(_Request)
_NO_RECORDED_VALUE = 1
"""DataPointFlags.FLAG_NO_RECORDED_VALUE: a staleness marker, not a sample."""


def decode_otlp_json(raw: bytes) -> list[Event]:
    request = decode_json(raw, _decoder, "an OTLP JSON metrics export (resourceMetrics)")
    events: list[Event] = []
    for resource_metrics in request.resource_metrics:
        resource = _attributes(resource_metrics.resource.attributes)
        for scope in resource_metrics.scope_metrics:
            for metric in scope.metrics:
                events.extend(_metric_events(metric, resource))
    return events


def _metric_events(metric: _Metric, resource: dict[str, str]) -> Iterator[Event]:
    for point in _points(metric.gauge) + _points(metric.sum):
        if point.flags & _NO_RECORDED_VALUE:
            continue
        value = point.as_double if point.as_double is not None else _int(point.as_int)
        yield _event(metric, metric.name, value, point, resource)
    aggregated = (
        _points(metric.histogram) + _points(metric.exponential_histogram) + _points(metric.summary)
    )
    for point in aggregated:
        if point.flags & _NO_RECORDED_VALUE:
            continue
        yield _event(metric, f"{metric.name}_count", _int(point.count), point, resource)
        if point.sum is not None:
            yield _event(metric, f"{metric.name}_sum", point.sum, point, resource)
        for quantile in point.quantile_values:
            extra = {"quantile": label_value(quantile.get("quantile", 0.0))}
            yield _event(metric, metric.name, quantile.get("value"), point, resource, extra)


def _event(
    metric: _Metric,
    name: str,
    value: float | None,
    point: _Point,
    resource: dict[str, str],
    extra: dict[str, str] | None = None,
) -> Event:
    labels = {**resource, **_attributes(point.attributes), **(extra or {})}
    attributes = {"unit": metric.unit} if metric.unit else {}
    time = (_int(point.time_unix_nano) or 0.0) / 1e9
    return make_event(time, "metric", name, value, labels, attributes)


def _points(points: _Points | None) -> list[_Point]:
    return points.data_points if points is not None else []


def _int(value: Int64 | None) -> float | None:
    if value is None:
        return None
    try:
        return float(int(value))
    except (ValueError, OverflowError):
        raise DecodeError(f"{value!r} is not an OTLP int64") from None


def _attributes(pairs: list[_KeyValue]) -> dict[str, str]:
    return {pair.key: _any_value(pair.value) for pair in pairs}


def _any_value(value: dict[str, Any]) -> str:
    """OTLP AnyValue as a label string (scalars plainly, arrays and maps as JSON)."""
    for key in ("stringValue", "intValue", "doubleValue", "boolValue"):
        if key in value:
            return label_value(value[key])
    return msgspec.json.encode(value).decode()
