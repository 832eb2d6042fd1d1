from __future__ import annotations

import math

import pytest

from alertd.ingest.decoders import DecodeError, get_decoder
from tests.ingest.fixture import fixture

decode = get_decoder("prometheus-kafka-adapter")


def test_documented_sample_becomes_one_metric_event_without_name_label() -> None:
    [event] = decode(fixture("prometheus-kafka-adapter.json"))
    assert event.kind == "metric"
    assert event.name == "up"
    assert event.value == 9876543210.0
    assert event.time == 0.0
    assert event.labels == {"label1": "value1", "label2": "value2"}


def test_nan_staleness_marker_passes_as_nan() -> None:
    raw = b'{"timestamp": "2026-11-22T10:00:00Z", "value": "NaN", "name": "up", "labels": {}}'
    [event] = decode(raw)
    assert event.value is not None
    assert math.isnan(event.value)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"timestamp": "2026-11-22T10:00:00Z", "value": "high", "name": "up"}', "number"),
        (b'{"timestamp": "2026-11-22T10:00:00Z", "value": "+Inf", "name": "up"}', "finite"),
        (b'{"value": "1", "name": "up"}', "timestamp"),
        (b"up 1", "prometheus-kafka-adapter"),
    ],
)
def test_broken_samples_are_rejected_with_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode(raw)
