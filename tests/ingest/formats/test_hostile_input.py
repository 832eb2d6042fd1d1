"""Whatever arrives, a format decoder returns events or raises DecodeError: never crashes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alertd.ingest.decoders import DecodeError, get_decoder
from alertd.ingest.event import Event
from alertd.ingest.formats.registry import FORMATS
from tests.ingest.fixture import fixture

FIXTURES = {
    "prometheus-kafka-adapter": "prometheus-kafka-adapter.json",
    "telegraf": "telegraf.json",
    "cloudevents": "cloudevents.json",
    "otlp_json": "otlp-metrics.json",
    "alertmanager": "alertmanager.json",
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def _decodes_or_rejects(name: str, raw: bytes) -> None:
    error: DecodeError | None = None
    events: list[Event] = []
    try:
        events = get_decoder(name)(raw)
    except DecodeError as exc:
        error = exc
    if error is not None:
        assert str(error)
        assert error.kind in {"malformed", "invalid", "too_large", "empty"}
    assert all(isinstance(e, Event) for e in events)


@pytest.mark.parametrize("name", sorted(FORMATS))
@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=200))
def test_random_bytes(name: str, raw: bytes) -> None:
    _decodes_or_rejects(name, raw)


@pytest.mark.parametrize("name", sorted(FORMATS))
@settings(max_examples=150, deadline=None)
@given(value=json_values)
def test_random_json(name: str, value: Any) -> None:
    _decodes_or_rejects(name, json.dumps(value).encode())


def _mutations(document: Any) -> list[Any]:
    """The documented record with each field in turn replaced by hostile values."""
    out = []
    if isinstance(document, dict):
        for key, value in document.items():
            for bad in (None, 1e308, -1, "", [], {}, "x" * 5, True):
                out.append({**document, key: bad})
            out.extend({**document, key: sub} for sub in _mutations(value))
    elif isinstance(document, list) and document:
        out.extend([sub, *document[1:]] for sub in _mutations(document[0]))
    return out


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_documented_record_with_each_field_broken(name: str) -> None:
    document = json.loads(fixture(FIXTURES[name]))
    mutations = _mutations(document)
    assert len(mutations) > 20
    for mutated in mutations:
        _decodes_or_rejects(name, json.dumps(mutated).encode())


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
    _decodes_or_rejects(name, raw.replace("HUGE", HUGE).encode())


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_invalid_utf8_inside_a_string_is_malformed(name: str) -> None:
    with pytest.raises(DecodeError) as caught:
        get_decoder(name)(b'{"name": "\x80\xff", "alerts": "\xc3"}')
    assert caught.value.kind in {"malformed", "invalid"}
