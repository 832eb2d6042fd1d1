"""Decoders turn a Kafka record value into events; one decoder is chosen per topic.

A decoder raises :class:`DecodeError` with a reason the DLQ record will carry, so a
bad record is explained rather than dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import msgspec

from alertd.ingest.event import Event, settled

Decoder = Callable[[bytes], list[Event]]


class DecodeError(Exception):
    """The record cannot become an event; ``str(exc)`` is the reason.

    ``kind`` is a short metric label: ``malformed`` (not JSON), ``invalid`` (JSON of the
    wrong shape), ``too_large`` or ``empty``.
    """

    def __init__(self, reason: str, kind: str = "invalid") -> None:
        super().__init__(reason)
        self.kind = kind


MAX_RECORD_BYTES = 1_048_576


def to_epoch(value: datetime | float) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


_decoder = msgspec.json.Decoder(Event | list[Event])
"""One pass for both shapes: msgspec tells an object from an array itself."""


def decode_alertd(raw: bytes) -> list[Event]:
    """Canonical alertd JSON: one event object, or an array of them."""
    if len(raw) > MAX_RECORD_BYTES:
        raise DecodeError(f"record of {len(raw)} bytes exceeds {MAX_RECORD_BYTES}", "too_large")
    try:
        decoded: Event | list[Event] = _decoder.decode(raw)
    except msgspec.ValidationError as exc:
        raise DecodeError(str(exc), "invalid") from exc
    except msgspec.DecodeError as exc:
        if not raw.strip():  # looked at only on failure: good records are not copied
            raise DecodeError("empty record", "empty") from exc
        raise DecodeError(str(exc), "malformed") from exc
    except RecursionError as exc:
        raise DecodeError("JSON nested too deeply", "malformed") from exc
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not UTF-8: {exc.reason} at byte {exc.start}", "malformed") from exc
    try:
        events = [settled(decoded)] if isinstance(decoded, Event) else list(map(settled, decoded))
    except (ValueError, OverflowError) as exc:  # a time msgspec parsed, out of range as epoch
        raise DecodeError(str(exc), "invalid") from exc
    if not events:
        raise DecodeError("empty array: the record holds no events", "empty")
    return events


DECODERS: dict[str, Decoder] = {"alertd": decode_alertd}
"""Decoder names usable as ``kafka.topics[].decoder``."""

# Foreign formats (prometheus-kafka-adapter, telegraf, cloudevents, otlp_json,
# alertmanager) live in alertd.ingest.formats and import DecodeError from here.
from alertd.ingest.formats.registry import FORMATS  # noqa: E402

DECODERS.update(FORMATS)

# Helpdesk tickets for the proof report (alertd/proof): Zendesk and Jira Service Management.
from alertd.ingest.formats.jira import decode_jira  # noqa: E402
from alertd.ingest.formats.zendesk import decode_zendesk  # noqa: E402

DECODERS.update({"zendesk": decode_zendesk, "jira": decode_jira})


def get_decoder(name: str) -> Decoder:
    try:
        return DECODERS[name]
    except KeyError:
        known = ", ".join(sorted(DECODERS))
        raise ValueError(f"unknown decoder {name!r}; known decoders: {known}") from None


def encode_event(event: Event) -> bytes:
    """Canonical JSON for an event (RFC 3339 time), as producers should write it."""
    from datetime import UTC

    stamp = datetime.fromtimestamp(event.time, UTC).isoformat().replace("+00:00", "Z")
    payload = {
        "time": stamp,
        "kind": event.kind,
        "name": event.name,
        "value": event.value,
        "labels": event.labels,
        "attributes": event.attributes,
    }
    return msgspec.json.encode(payload)
