"""prometheus-kafka-adapter JSON (``SERIALIZATION_FORMAT=json``), one sample per record.

The adapter receives Prometheus ``remote_write`` and writes::

    {"timestamp": "1970-01-01T00:00:00Z", "value": "9876543210", "name": "up",
     "labels": {"__name__": "up", "label1": "value1"}}

``value`` is a string because Prometheus samples may be ``NaN`` (staleness markers);
such samples pass through and detectors skip them.
"""

from __future__ import annotations

import msgspec

from alertd.ingest.decoders import DecodeError, to_epoch
from alertd.ingest.event import Event, Timestamp
from alertd.ingest.formats.build import make_event
from alertd.ingest.formats.jsonbody import decode_json


class _Sample(msgspec.Struct, frozen=True):
    timestamp: Timestamp
    value: str | float
    name: str
    labels: dict[str, str] = msgspec.field(default_factory=dict)


_decoder = msgspec.json.Decoder(_Sample)


def decode_prometheus_kafka_adapter(raw: bytes) -> list[Event]:
    sample = decode_json(raw, _decoder, "a prometheus-kafka-adapter sample")
    try:
        value = float(sample.value)
    except ValueError:
        raise DecodeError(f"sample value {sample.value!r} is not a number") from None
    labels = {k: v for k, v in sample.labels.items() if k != "__name__"}
    name = sample.name or sample.labels.get("__name__", "")
    return [make_event(to_epoch(sample.timestamp), "metric", name, value, labels)]
