"""The canonical decoder under hostile input: an Event or a DecodeError, nothing else.

Whatever arrives on a topic, ``decode_alertd`` must answer quickly with valid events
or a DecodeError whose reason can go into the DLQ header and whose kind is one of the
documented metric labels, so one bad record can never stop or slow the consumer.
"""

from __future__ import annotations

import json
import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alertd.ingest.decoders import MAX_RECORD_BYTES, DecodeError, decode_alertd, encode_event
from alertd.ingest.event import Event
from tests.property.strategies import (
    BOUNDED,
    EVENT_KINDS,
    deep_json,
    dumps,
    event_like,
    json_values,
)

DOCUMENTED_KINDS = {"malformed", "invalid", "too_large", "empty"}
SECONDS_PER_RECORD = 5.0


def decode(raw: bytes) -> list[Event] | DecodeError:
    try:
        return decode_alertd(raw)
    except DecodeError as exc:
        return exc


def assert_event_or_clear_error(raw: bytes) -> list[Event]:
    started = time.monotonic()
    outcome = decode(raw)
    assert time.monotonic() - started < SECONDS_PER_RECORD
    if isinstance(outcome, DecodeError):
        assert str(outcome).strip(), "a rejected record needs a reason for the DLQ header"
        assert outcome.kind in DOCUMENTED_KINDS
        return []
    assert outcome, "a record that is not rejected must hold at least one event"
    for event in outcome:
        assert_usable(event)
    return outcome


def assert_usable(event: Event) -> None:
    """What the stages after the decoder rely on."""
    assert isinstance(event, Event)
    assert event.kind in EVENT_KINDS
    assert event.name
    assert math.isfinite(event.time)
    assert event.value is None or not math.isinf(event.value)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in event.labels.items())
    again = decode_alertd(encode_event(event))  # producers and the DLQ replay use this form
    assert [(e.kind, e.name, e.labels) for e in again] == [(event.kind, event.name, event.labels)]
    assert abs(again[0].time - event.time) < 1e-3


@BOUNDED
@given(st.binary(max_size=4096))
def test_random_bytes(raw: bytes) -> None:
    assert_event_or_clear_error(raw)


@BOUNDED
@given(json_values())
def test_random_json_values_including_nan_and_infinity(value: object) -> None:
    assert_event_or_clear_error(dumps(value))


@BOUNDED
@given(event_like())
def test_event_shaped_objects_with_wrong_types_and_huge_values(
    candidate: dict[str, object],
) -> None:
    assert_event_or_clear_error(dumps(candidate))


@BOUNDED
@given(st.lists(event_like() | json_values(5), max_size=5))
def test_arrays_of_events_and_junk(items: list[object]) -> None:
    assert_event_or_clear_error(dumps(items))


@BOUNDED
@given(st.integers(min_value=1, max_value=200_000), st.sampled_from(["arrays", "objects", "inner"]))
def test_deeply_nested_json(depth: int, kind: str) -> None:
    assert_event_or_clear_error(deep_json(depth, kind))


@BOUNDED
@given(
    st.sampled_from(["time", "value"]),
    st.integers(min_value=1, max_value=5000),
    st.sampled_from(["", "-", "0.", "1e", "-1e"]),
)
def test_numbers_with_thousands_of_digits(field: str, digits: int, prefix: str) -> None:
    number = prefix + "9" * digits
    raw = f'{{"time": 1, "kind": "metric", "name": "n", "{field}": {number}}}'.encode()
    assert_event_or_clear_error(raw.replace(b'"time": 1, ', b"") if field == "time" else raw)


@BOUNDED
@given(st.text(), st.text())
def test_unicode_and_lone_surrogates_in_names_and_labels(name: str, label: str) -> None:
    for raw_name in (name, "\ud800" + name, name + "\udfff"):
        raw = json.dumps(
            {"time": 1, "kind": "log", "name": raw_name, "labels": {label: raw_name}}
        ).encode()  # ensure_ascii: surrogates travel as \\uXXXX escapes
        assert_event_or_clear_error(raw)


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=1_000, max_value=60_000))
def test_enormous_label_maps(size: int) -> None:
    labels = {f"label_{i}": "v" * (i % 50) for i in range(size)}
    raw = dumps({"time": 1, "kind": "metric", "name": "n", "value": 1, "labels": labels})
    events = assert_event_or_clear_error(raw)
    if len(raw) > MAX_RECORD_BYTES:
        assert events == []


def test_records_over_the_size_limit_are_rejected_as_too_large() -> None:
    with pytest.raises(DecodeError) as exc:
        decode_alertd(b" " * MAX_RECORD_BYTES + b"{}")
    assert exc.value.kind == "too_large"


def test_an_empty_array_is_rejected_rather_than_silently_dropped() -> None:
    with pytest.raises(DecodeError) as exc:
        decode_alertd(b"[]")
    assert exc.value.kind == "empty"


@pytest.mark.parametrize("stamp", [b"1e300", b"-1e15", b'"0001-01-01T00:00:00+14:00"'])
def test_times_no_calendar_can_show_are_rejected(stamp: bytes) -> None:
    with pytest.raises(DecodeError, match="time"):
        decode_alertd(b'{"time": ' + stamp + b', "kind": "metric", "name": "n"}')
