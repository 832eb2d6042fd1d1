"""Decode a fetched batch of records at once: events for the pipeline, bad records aside.

The consumer hands over every record of a fetch, so the per-record work of the common
case (a canonical alertd JSON object) runs in one loop here, without a function call,
a list and an exception frame per record. Anything else (an array of events, another
format, a record that fails) goes through the topic's decoder as before, which names
the reason a bad record carries to the dead-letter topic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from alertd.ingest.decoders import (
    MAX_RECORD_BYTES,
    MAX_TIME,
    MIN_TIME,
    Decoder,
    _wire_decoder,
    _WireEvent,
    decode_alertd,
)
from alertd.ingest.event import Event


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
    """Canonical alertd JSON: the single-object case inline, the rest by decode_alertd."""
    events: list[Event] = []
    failed: list[tuple[int, Exception]] = []
    decode = _wire_decoder.decode
    wire_type = _WireEvent
    for i in range(len(records)):
        raw = records[i].value
        if raw is not None and len(raw) <= MAX_RECORD_BYTES:
            try:
                wire = decode(raw)
                if type(wire) is wire_type:
                    stamp = wire.time
                    epoch: float = stamp if isinstance(stamp, float) else stamp.timestamp()
                    if MIN_TIME <= epoch <= MAX_TIME:
                        events.append(
                            Event(
                                epoch,
                                wire.kind,
                                wire.name,
                                wire.value,
                                wire.labels,
                                wire.attributes,
                            )
                        )
                        continue
            except Exception:  # the slow path below names the reason
                pass
        try:  # the slow path: arrays, and the exact reason for a bad record
            events.extend(decode_alertd(raw or b""))
        except Exception as exc:
            failed.append((i, exc))
    return events, failed


BATCH_DECODERS: dict[str, BatchDecoder] = {"alertd": decode_alertd_batch}
"""Decoders with a batch loop of their own; the others run :func:`one_by_one`."""


def batch_decoder(name: str, decode: Decoder) -> BatchDecoder:
    return BATCH_DECODERS.get(name) or one_by_one(decode)
