"""The canonical decoder's batch loop gives exactly what decoding record by record gives:
the same events in the same order, and the same records rejected for the same reasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple
from unittest.mock import patch

import msgspec
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from alertd.ingest import batch as batch_module
from alertd.ingest import decoders
from alertd.ingest.batch import batch_decoder, decode_alertd_batch, one_by_one
from alertd.ingest.decoders import DecodeError, decode_alertd
from alertd.ingest.event import MAX_TIME, MIN_TIME, Event


class Record(NamedTuple):
    value: bytes | None


ObjectRun = Callable[[list[Record], int, list[Event]], int]


GOOD = {"time": "2026-09-21T14:13:20.123Z", "kind": "metric", "name": "cpu", "value": 0.5}

VALUES = st.one_of(
    st.fixed_dictionaries(
        {
            "time": st.one_of(
                st.sampled_from(
                    [
                        "2026-09-21T14:13:20Z",
                        "2026-09-21T16:13:20.5+02:00",
                        "2026-09-21T14:13:20",
                        "0001-01-01T00:00:00+01:00",  # a valid RFC 3339 time before year 1
                        "9999-12-31T23:59:59-01:00",  # and one after year 9999
                    ]
                ),
                st.floats(allow_nan=False, allow_infinity=False),
                st.sampled_from([1e20, -1e20, 0.0]),  # outside the years 1-9999, or the epoch
            ),
            "kind": st.sampled_from(["metric", "log", "ticket", "nonsense"]),
            "name": st.sampled_from(["cpu", "", "x" * 600]),
        },
        optional={
            "value": st.one_of(st.none(), st.floats(allow_nan=False), st.just("high")),
            "labels": st.dictionaries(st.sampled_from(["host", "region"]), st.text(max_size=5)),
            "surprise": st.integers(),
        },
    ).map(msgspec.json.encode),
    st.lists(st.just(GOOD), max_size=3).map(msgspec.json.encode),  # arrays of events
    st.sampled_from([b"", b"   ", b"{", b"null", b"[1]", b'{"time": 1e999}', b"\xff\xfe"]),
    st.just(msgspec.json.encode({**GOOD, "value": 1e400})),  # JSON that overflows to inf
    st.none(),
)


def _outcome(
    result: tuple[list[Event], list[tuple[int, Exception]]],
) -> tuple[list[Event], list[tuple[int, str, str, str]]]:
    events, failed = result
    return events, [(i, type(e).__name__, str(e), getattr(e, "kind", "")) for i, e in failed]


def _object_runs(max_bytes: int = decoders.MAX_RECORD_BYTES) -> dict[str, ObjectRun]:
    """The batch loop's common case: the Python reference, and the compiled one."""
    runs: dict[str, ObjectRun] = {"python": batch_module.object_run}
    try:
        from alertd.ingest._decode import ObjectRun as Compiled
    except ImportError:
        return runs
    decode = batch_module._object_decoder.decode
    runs["compiled"] = Compiled(decode, max_bytes, MIN_TIME, MAX_TIME).run
    return runs


@settings(max_examples=400, deadline=None)
@given(st.lists(VALUES, max_size=30))
@example([msgspec.json.encode(GOOD)])
def test_the_batch_loop_decodes_like_the_record_decoder(values: list[bytes | None]) -> None:
    records = [Record(v) for v in values]
    expected = _outcome(one_by_one(decode_alertd)(records))
    for run in _object_runs().values():
        with patch.object(batch_module, "_object_run", run):
            assert _outcome(decode_alertd_batch(records)) == expected


@pytest.mark.parametrize("loop", ["python", "compiled"])
def test_a_record_over_the_size_limit_is_rejected_as_too_large(
    monkeypatch: pytest.MonkeyPatch, loop: str
) -> None:
    monkeypatch.setattr(batch_module, "MAX_RECORD_BYTES", 10)
    monkeypatch.setattr(decoders, "MAX_RECORD_BYTES", 10)
    runs = _object_runs(max_bytes=10)
    if loop not in runs:
        pytest.skip("alertd.ingest._decode is not built")
    monkeypatch.setattr(batch_module, "_object_run", runs[loop])
    events, failed = decode_alertd_batch([Record(msgspec.json.encode(GOOD))])
    assert events == []
    assert [(i, getattr(e, "kind", "")) for i, e in failed] == [(0, "too_large")]


def test_other_formats_decode_record_by_record_and_a_decoder_bug_is_a_bad_record() -> None:
    def broken(raw: bytes) -> list[Event]:
        if raw == b"boom":
            raise RuntimeError("decoder bug")
        raise DecodeError("not this format", "invalid")

    decode = batch_decoder("some_format", broken)
    events, failed = decode([Record(b"boom"), Record(b"x")])
    assert events == []
    assert [(i, str(e)) for i, e in failed] == [(0, "decoder bug"), (1, "not this format")]
    assert batch_decoder("alertd", decode_alertd) is decode_alertd_batch
