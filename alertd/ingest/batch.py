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
    append, decode, epoch = events.append, _object_decoder.decode, epoch_seconds
    start, count = 0, len(records)
    while start < count:
        i = start
        try:  # the common case: every record one event object, each decoded in C
            for i in range(start, count):
                raw = records[i].value or b""
                if len(raw) > MAX_RECORD_BYTES:
                    raise _SlowPath
                event = decode(raw)
                stamp = event.time
                if stamp.__class__ is not float:  # ingest.event.settled, without a call
                    stamp = epoch(stamp)  # type: ignore[arg-type]
                    if not MIN_TIME <= stamp <= MAX_TIME:
                        raise _SlowPath
                    force_setattr(event, "time", stamp)
                append(event)
            return events, failed
        except Exception:  # record i takes the slow path, which names the reason
            pass
        try:  # arrays of events, and the exact reason for a bad record
            events.extend(decode_alertd(records[i].value or b""))
        except Exception as exc:
            failed.append((i, exc))
        start = i + 1
    return events, failed


class _SlowPath(Exception):
    """Leaves the fast loop for decode_alertd, which rejects the record."""


_object_decoder = msgspec.json.Decoder(Event)
"""The common case only: one event object per record (an array fails over)."""


BATCH_DECODERS: dict[str, BatchDecoder] = {"alertd": decode_alertd_batch}
"""Decoders with a batch loop of their own; the others run :func:`one_by_one`."""


def batch_decoder(name: str, decode: Decoder) -> BatchDecoder:
    return BATCH_DECODERS.get(name) or one_by_one(decode)
