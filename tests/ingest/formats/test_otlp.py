from __future__ import annotations

import pytest

from alertd.ingest.decoders import DecodeError, get_decoder
from tests.ingest.fixture import fixture

decode = get_decoder("otlp_json")


def _gauge_point(point: str) -> bytes:
    metric = '{"name": "g", "gauge": {"dataPoints": [' + point + "]}}"
    return ('{"resourceMetrics": [{"scopeMetrics": [{"metrics": [' + metric + "]}]}]}").encode()


def test_documented_export_yields_gauge_sum_and_histogram_count_and_sum() -> None:
    events = decode(fixture("otlp-metrics.json"))
    by_name = {e.name: e for e in events}
    assert {n: e.value for n, e in by_name.items()} == {
        "my.counter": 5.0,
        "my.gauge": 10.0,
        "my.histogram_count": 3.0,
        "my.histogram_sum": 3.0,
    }
    gauge = by_name["my.gauge"]
    assert gauge.time == pytest.approx(1544712660.3)
    assert gauge.labels == {"service.name": "my.service", "my.gauge.attr": "some value"}
    assert all(e.kind == "metric" for e in events)


def test_int_values_as_strings_and_summary_quantiles() -> None:
    raw = b"""{"resourceMetrics": [{"scopeMetrics": [{"metrics": [
      {"name": "req", "gauge": {"dataPoints": [{"asInt": "42", "timeUnixNano": "1000000000"}]}},
      {"name": "lat", "summary": {"dataPoints": [{"timeUnixNano": "1000000000", "count": "2",
        "sum": 0.5, "quantileValues": [{"quantile": 0.99, "value": 0.4}]}]}}
    ]}]}]}"""
    events = decode(raw)
    assert [(e.name, e.value, e.labels) for e in events] == [
        ("req", 42.0, {}),
        ("lat_count", 2.0, {}),
        ("lat_sum", 0.5, {}),
        ("lat", 0.4, {"quantile": "0.99"}),
    ]


def test_points_flagged_without_recorded_value_are_skipped() -> None:
    assert decode(_gauge_point('{"asDouble": 1, "timeUnixNano": "1", "flags": 1}')) == []


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"resourceSpans": []}', "resourceMetrics"),
        (_gauge_point('{"asInt": "x", "timeUnixNano": "1"}'), "int64"),
        (_gauge_point('{"asInt": "' + "9" * 400 + '", "timeUnixNano": "1"}'), "int64"),
        (_gauge_point('{"asDouble": 1, "timeUnixNano": ' + "9" * 400 + "}"), "OTLP"),
        (b"\x0a\x0b\x00protobuf", "OTLP"),
    ],
)
def test_other_payloads_are_rejected_with_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode(raw)
