"""Decode a fetched batch of records at once: events for the pipeline, bad records aside.

The consumer hands over every record of a fetch, so the per-record work of the common
case (a canonical alertd JSON object) runs in one loop here: msgspec decodes each
record straight into an Event, without a function call or a list per record. Anything
else (an array of events, another format, a record that fails) goes through the
topic's decoder as before, which names the reason a bad record carries to the
dead-letter topic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import msgspec
from msgspec.structs import force_setattr

from alertd.ingest.decoders import MAX_RECORD_BYTES, Decoder, decode_alertd
from alertd.ingest.event import MAX_TIME, MIN_TIME, Event, epoch_seconds


class Record(Protocol):
    """What a batch decoder reads of a consumer record."""

    @property
    def value(self) -> bytes | None: ...


BatchDecoder = Callable[[Sequence[Record]], tuple[list[Event], list[tuple[int, Exception]]]]
"""records -> (their events in order, (index, reason) of every record that failed)."""


def one_by_one(decode: Decoder) -> BatchDecoder:
    """A batch decoder that runs ``decode`` on each record."""

    def decode_batch(records: Sequence[Record]) -> tuple[list[Event], list[tuple[int, Exception]]]:
        events: list[Event] = []
        failed: list[tuple[int, Exception]] = []
        for i, record in enumerate(records):
            try:
                events.extend(decode(record.value or b""))
            except Exception as exc:  # a decoder bug is still a bad record, not a crash
                failed.append((i, exc))
        return events, failed

    return decode_batch


def decode_alertd_batch(
    records: Sequence[Record],
) -> tuple[list[Event], list[tuple[int, Exception]]]:
    """Canonical alertd JSON: single objects in one loop, the rest by decode_alertd."""
    events: list[Event] = []
    failed: list[tuple[int, Exception]] = []
    start, count = 0, len(records)
    while start < count:
        i = _object_run(records, start, events)  # the common case, each decoded in C
        if i == count:
            break
        try:  # arrays of events, and the exact reason for a bad record
            events.extend(decode_alertd(records[i].value or b""))
        except Exception as exc:
            failed.append((i, exc))
        start = i + 1
    return events, failed


def object_run(records: Sequence[Record], start: int, events: list[Event]) -> int:
    """Append the events of ``records[start:]`` while each is one event object within
    the limits; returns the index of the first that is not (``len(records)`` when
    none), for the slow path to decode or reject with its reason.

    The reference of the compiled :class:`~alertd.ingest._decode.ObjectRun`, and
    what runs where that is not built."""
    append, decode, count = events.append, _object_decoder.decode, len(records)
    for i in range(start, count):
        raw = records[i].value or b""
        if len(raw) > MAX_RECORD_BYTES:
            return i
        try:
            event = decode(raw)
            stamp = event.time
            if stamp.__class__ is not float:  # ingest.event.settled, without a call
                stamp = epoch_seconds(stamp)  # type: ignore[arg-type]
                if not MIN_TIME <= stamp <= MAX_TIME:
                    return i
                force_setattr(event, "time", stamp)
        except Exception:
            return i
        append(event)
    return count


_object_decoder = msgspec.json.Decoder(Event)
"""The common case only: one event object per record (an array fails over)."""

try:
    from alertd.ingest._decode import ObjectRun
except ImportError:  # not built (pyproject.toml, ext-modules)
    _object_run = object_run
else:
    _object_run = ObjectRun(_object_decoder.decode, MAX_RECORD_BYTES, MIN_TIME, MAX_TIME).run


BATCH_DECODERS: dict[str, BatchDecoder] = {"alertd": decode_alertd_batch}
"""Decoders with a batch loop of their own; the others run :func:`one_by_one`."""


def batch_decoder(name: str, decode: Decoder) -> BatchDecoder:
    return BATCH_DECODERS.get(name) or one_by_one(decode)
