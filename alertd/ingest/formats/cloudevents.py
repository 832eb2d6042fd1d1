"""CloudEvents 1.0 in structured JSON mode (``application/cloudevents+json``), or a batch.

The envelope's ``type`` becomes the event name and ``time`` the event time (required:
alertd works on event time). ``source``, ``subject`` and string-valued extension
attributes become labels, so rules can match ``labels: {source: /checkout/*}``.

When ``data`` is a JSON object it may carry alertd fields: ``kind`` (default ``log``),
a numeric ``value`` and string ``labels``. The whole ``data`` (or ``data_base64``) is
kept in the event's attributes for templates.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import msgspec

from alertd.ingest.decoders import DecodeError, to_epoch
from alertd.ingest.event import Event, EventKind, Timestamp
from alertd.ingest.formats.build import make_event
from alertd.ingest.formats.jsonbody import JSON_VALUE, convert, decode_json, label_value

_CONTEXT = frozenset(
    {
        "specversion",
        "id",
        "source",
        "type",
        "time",
        "subject",
        "datacontenttype",
        "dataschema",
        "data",
        "data_base64",
    }
)
_KINDS: frozenset[str] = frozenset(get_args(EventKind))


class _Envelope(msgspec.Struct, frozen=True):
    specversion: Literal["1.0"]
    id: str
    source: str
    type: str
    time: Timestamp | None = None
    subject: str | None = None
    datacontenttype: str | None = None
    dataschema: str | None = None
    data: Any = None
    data_base64: str | None = None


def decode_cloudevents(raw: bytes) -> list[Event]:
    what = "a CloudEvent (structured JSON, specversion 1.0)"
    obj = decode_json(raw, JSON_VALUE, what)
    items = obj if isinstance(obj, list) else [obj]
    events = []
    for item in items:
        if not isinstance(item, dict):
            raise DecodeError(f"not {what}: expected a JSON object, got {type(item).__name__}")
        events.append(_event(convert(item, _Envelope, what), item))
    return events


def _event(envelope: _Envelope, raw: dict[str, Any]) -> Event:
    if envelope.time is None:
        raise DecodeError(f"CloudEvent {envelope.id!r} has no 'time'; alertd needs event time")
    data = envelope.data if isinstance(envelope.data, dict) else {}
    labels = {"source": envelope.source}
    if envelope.subject is not None:
        labels["subject"] = envelope.subject
    for key, value in raw.items():
        if key not in _CONTEXT and isinstance(value, str | int | float | bool):
            labels[key] = label_value(value)
    labels.update(_data_labels(data))
    kind = data.get("kind", "log")
    if kind not in _KINDS:
        known = ", ".join(sorted(_KINDS))
        raise DecodeError(f"CloudEvent {envelope.id!r}: data.kind {kind!r} is not one of {known}")
    attributes: dict[str, Any] = {"id": envelope.id}
    for key in ("datacontenttype", "dataschema", "data", "data_base64"):
        if (value := getattr(envelope, key)) is not None:
            attributes[key] = value
    time = to_epoch(envelope.time)
    return make_event(time, kind, envelope.type, _value(data), labels, attributes)


def _data_labels(data: dict[str, Any]) -> dict[str, str]:
    labels = data.get("labels")
    if not isinstance(labels, dict):
        return {}
    return {str(k): label_value(v) for k, v in labels.items()}


def _value(data: dict[str, Any]) -> float | None:
    value = data.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:
        raise DecodeError(f"data.value {str(value)[:20]}... is too large") from None
