"""Whatever arrives, a format decoder returns events or raises DecodeError: never crashes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alertd.ingest.decoders import DecodeError, get_decoder
from alertd.ingest.formats.registry import FORMATS
from tests.ingest.fixture import fixture
from tests.support.hostile import decodes_or_rejects, json_values, mutations

FIXTURES = {
    "prometheus-kafka-adapter": "prometheus-kafka-adapter.json",
    "telegraf": "telegraf.json",
    "cloudevents": "cloudevents.json",
    "otlp_json": "otlp-metrics.json",
    "alertmanager": "alertmanager.json",
}


@pytest.mark.parametrize("name", sorted(FORMATS))
@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=200))
def test_random_bytes(name: str, raw: bytes) -> None:
    decodes_or_rejects(name, raw)


@pytest.mark.parametrize("name", sorted(FORMATS))
@settings(max_examples=150, deadline=None)
@given(value=json_values)
def test_random_json(name: str, value: Any) -> None:
    decodes_or_rejects(name, json.dumps(value).encode())


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_documented_record_with_each_field_broken(name: str) -> None:
    document = json.loads(fixture(FIXTURES[name]))
    broken = mutations(document)
    assert len(broken) > 20
    for mutated in broken:
        decodes_or_rejects(name, json.dumps(mutated).encode())


HUGE = "9" * 400
HUGE_NUMBERS = {
    "prometheus-kafka-adapter": [
        '{"timestamp": "2026-01-01T00:00:00Z", "value": "HUGE", "name": "x"}',
        '{"timestamp": HUGE, "value": "1", "name": "x"}',
    ],
    "telegraf": [
        '{"name": "m", "fields": {"x": HUGE}, "timestamp": 1}',
        '{"name": "m", "fields": {"x": 1}, "timestamp": HUGE}',
    ],
    "cloudevents": [
        '{"specversion": "1.0", "id": "1", "source": "s", "type": "t", "time": HUGE}',
        '{"specversion": "1.0", "id": "1", "source": "s", "type": "t", "time": 1,'
        ' "data": {"value": HUGE}}',
    ],
    "otlp_json": [
        '{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "g", "gauge":'
        ' {"dataPoints": [{"asInt": "HUGE", "timeUnixNano": HUGE}]}}]}]}]}',
    ],
    "alertmanager": [
        '{"alerts": [{"status": "firing", "labels": {"alertname": "A"}, "startsAt": HUGE}]}',
    ],
}


@pytest.mark.parametrize(
    ("name", "raw"), [(n, r) for n, records in HUGE_NUMBERS.items() for r in records]
)
def test_numbers_too_large_for_a_float_are_rejected_not_crashing(name: str, raw: str) -> None:
    decodes_or_rejects(name, raw.replace("HUGE", HUGE).encode())


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_invalid_utf8_inside_a_string_is_malformed(name: str) -> None:
    with pytest.raises(DecodeError) as caught:
        get_decoder(name)(b'{"name": "\x80\xff", "alerts": "\xc3"}')
    assert caught.value.kind in {"malformed", "invalid"}
