"""Alertmanager webhook payloads (``webhook_config``, payload version 4).

So existing Prometheus alerts can drive alertd's customer notices: each alert in the
payload becomes a ``check`` event named after its ``alertname``, with value 1 while
firing and 0 once resolved, at ``startsAt`` (firing) or ``endsAt`` (resolved). The
alert's other labels are the event's labels; annotations, fingerprint and links are
attributes. A rule such as ``match: {kind: check, name: ProbeFailure}`` with
``detect: {threshold: {above: 0.5}}`` then follows the Prometheus alert.

The same payload arrives either from a Kafka topic with ``decoder: alertmanager`` or
on ``POST /api/v1/alertmanager`` (see alertd.api.alertmanager).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from alertd.ingest.decoders import DecodeError
from alertd.ingest.event import Event
from alertd.ingest.formats.build import make_event
from alertd.ingest.formats.jsonbody import decode_json

_Time = Annotated[datetime, msgspec.Meta(tz=True)]


class _Alert(msgspec.Struct, frozen=True, rename="camel"):
    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    starts_at: _Time
    annotations: dict[str, str] = msgspec.field(default_factory=dict)
    ends_at: _Time | None = None
    generator_url: str = msgspec.field(default="", name="generatorURL")
    fingerprint: str = ""


class _Payload(msgspec.Struct, frozen=True, rename="camel"):
    alerts: list[_Alert]
    version: str = "4"
    status: str = ""
    receiver: str = ""
    group_key: str = ""
    external_url: str = msgspec.field(default="", name="externalURL")


_decoder = msgspec.json.Decoder(_Payload)


def decode_alertmanager(raw: bytes) -> list[Event]:
    payload = decode_json(raw, _decoder, "an Alertmanager webhook payload")
    return [_event(alert, payload) for alert in payload.alerts]


def _event(alert: _Alert, payload: _Payload) -> Event:
    name = alert.labels.get("alertname", "")
    if not name:
        raise DecodeError("Alertmanager alert without an 'alertname' label")
    firing = alert.status == "firing"
    if not firing and (alert.ends_at is None or alert.ends_at.year <= 1):
        raise DecodeError(f"resolved alert {name!r} without 'endsAt'")
    at = alert.starts_at if firing or alert.ends_at is None else alert.ends_at
    labels = {k: v for k, v in alert.labels.items() if k != "alertname"}
    attributes: dict[str, Any] = {
        "status": alert.status,
        "annotations": alert.annotations,
        "fingerprint": alert.fingerprint,
        "generatorURL": alert.generator_url,
        "externalURL": payload.external_url,
        "receiver": payload.receiver,
    }
    return make_event(at.timestamp(), "check", name, 1.0 if firing else 0.0, labels, attributes)
