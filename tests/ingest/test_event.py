"""Event times and constraints: decoding checks them in C and settles RFC 3339 times to
epoch seconds; an event built in Python is held to the same constraints by ``checked``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

import msgspec
import pytest

from alertd.ingest.batch import decode_alertd_batch
from alertd.ingest.decoders import DecodeError, decode_alertd
from alertd.ingest.event import MAX_TIME, MIN_TIME, Event, checked
from alertd.ingest.formats.build import make_event


class Record(NamedTuple):
    value: bytes | None


def _json(**fields: object) -> bytes:
    return msgspec.json.encode({"kind": "metric", "name": "cpu", "value": 0.5, **fields})


EPOCH_OF = {
    "2026-09-21T14:13:20.5Z": 1790000000.5,
    "2026-09-21T16:13:20+02:00": 1790000000.0,
    "0001-01-01T00:00:00Z": MIN_TIME,
    "9999-12-31T23:59:59Z": MAX_TIME,
}

OUT_OF_RANGE = [
    "0001-01-01T00:00:00+01:00",  # RFC 3339 allows it; as epoch it is before year 1
    "9999-12-31T23:59:59-01:00",
    1e20,
    -1e20,
]


@pytest.mark.parametrize(("stamp", "epoch"), [*EPOCH_OF.items(), (1790000000, 1790000000.0)])
def test_a_decoded_time_is_epoch_seconds_as_a_float(stamp: str | int, epoch: float) -> None:
    (event,) = decode_alertd(_json(time=stamp))
    (batched,), failed = decode_alertd_batch([Record(_json(time=stamp))])
    assert failed == []
    for decoded in (event, batched):
        assert decoded.time == epoch
        assert type(decoded.time) is float


@pytest.mark.parametrize("stamp", OUT_OF_RANGE)
def test_a_time_outside_the_years_1_to_9999_is_an_invalid_record(stamp: str | float) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_alertd(_json(time=stamp))
    assert caught.value.kind == "invalid"
    good = _json(time=1790000000)
    events, failed = decode_alertd_batch([Record(good), Record(_json(time=stamp)), Record(good)])
    assert [e.time for e in events] == [1790000000.0, 1790000000.0]
    assert [(i, getattr(e, "kind", "")) for i, e in failed] == [(1, "invalid")]


@pytest.mark.parametrize(
    "raw",
    [
        _json(time=1.0, name=""),
        b'{"time": 1.0, "kind": "metric", "name": "cpu", "value": 1e400}',
        _json(time="2026-09-21T14:13:20"),  # no zone
    ],
    ids=["empty name", "value out of range", "time without zone"],
)
def test_decoding_rejects_what_the_wire_forbids(raw: bytes) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_alertd(raw)
    assert caught.value.kind == "invalid"


def test_checked_settles_a_python_built_time_to_epoch_seconds() -> None:
    at = datetime(2026, 9, 21, 14, 13, 20, 500000, tzinfo=UTC)
    assert checked(Event(at, "metric", "cpu")).time == 1790000000.5  # type: ignore[arg-type]
    settled = checked(Event(1790000000, "metric", "cpu"))
    assert settled.time == 1790000000.0
    assert type(settled.time) is float


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (Event(1e20, "metric", "cpu"), "outside the years 1-9999"),
        (Event(float("nan"), "metric", "cpu"), "outside the years 1-9999"),
        (Event(1.0, "metric", ""), "name must not be empty"),
        (Event(1.0, "metric", "cpu", float("inf")), "value must be finite"),
        (Event(1.0, "metric", "cpu", float("-inf")), "value must be finite"),
        (Event(1.0, "metric", "cpu", labels={"host": 7}), "labels must map strings"),  # type: ignore[dict-item]
        (Event(1.0, "metric", "cpu\ud800"), "lone surrogate"),
        (Event(1.0, "metric", "cpu", labels={"host": "h\udfff"}), "lone surrogate"),
        (Event(1.0, "metric", "cpu", labels={"h\ud800": "h"}), "lone surrogate"),
    ],
)
def test_checked_holds_a_python_built_event_to_the_wire_constraints(
    event: Event, reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        checked(event)


def test_a_foreign_format_event_out_of_range_names_the_field() -> None:
    with pytest.raises(DecodeError, match="cpu: value must be finite"):
        make_event(1.0, "metric", "cpu", float("inf"))
