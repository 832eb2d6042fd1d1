"""Values of changelog records: detector series, lifecycle tracks, active alerts.

Series and tracks are written without their compiled rule (the rule comes from the
running config on restore), so a restarted process restores into its own rules. A
record that no longer fits (the rule changed shape, a corrupt value) raises
:class:`StateCodecError`, and the caller starts that series fresh.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import msgspec

from alertd.alerts.lifecycle import Track
from alertd.alerts.model import AlertState
from alertd.alerts.store import Alert
from alertd.detect.detectors.base import SeriesDetector
from alertd.detect.rule import CompiledRule
from alertd.state.codec import (
    StateCodecError,
    decode_object,
    encode_object,
    encode_state,
    restore_state,
)

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder()

_TRACK_FIELDS = (
    "state",
    "since",
    "fingerprint",
    "value",
    "context",
    "clearing",
    "generation",
    "flapping",
    "due",
)


def encode_number(value: float) -> bytes:
    return _encoder.encode(value)


def decode_number(raw: bytes) -> float:
    try:
        value = _decoder.decode(raw)
    except msgspec.DecodeError as exc:
        raise StateCodecError(f"bad number record: {exc}") from exc
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise StateCodecError("number record holds no number")
    return float(value)


def encode_starts(starts: list[float]) -> bytes:
    return _encoder.encode(starts)


def decode_starts(raw: bytes) -> list[float]:
    try:
        starts = _decoder.decode(raw)
    except msgspec.DecodeError as exc:
        raise StateCodecError(f"bad flap record: {exc}") from exc
    if not isinstance(starts, list):
        raise StateCodecError("flap record holds no list of starts")
    return [float(at) for at in starts]


def encode_series(series: SeriesDetector, touched: float) -> bytes:
    return _encoder.encode([touched, encode_state(series)])


def decode_series(rule: CompiledRule, raw: bytes) -> tuple[SeriesDetector, float]:
    """A fresh series of ``rule`` with the stored state; and when it was last seen."""
    try:
        touched, state = _decoder.decode(raw)
    except (msgspec.DecodeError, TypeError, ValueError) as exc:
        raise StateCodecError(f"bad series record: {exc}") from exc
    series = rule.new_series()
    restore_state(series, state)
    return series, float(touched)


def encode_track(track: Track) -> bytes:
    fields = {name: getattr(track, name) for name in _TRACK_FIELDS}
    try:
        return encode_object(fields)
    except TypeError:  # a detector put something exotic in its context: keep the rest
        return encode_object({**fields, "context": {}})


def decode_track(rule: CompiledRule, group: tuple[str, ...], raw: bytes) -> Track:
    fields = decode_object(raw)
    if not isinstance(fields, dict):
        raise StateCodecError("track record is not a mapping")
    try:
        known = {name: fields[name] for name in _TRACK_FIELDS if name in fields}
        known["state"] = AlertState(known["state"])
        return Track(rule=rule, group=group, **known)
    except (KeyError, TypeError, ValueError) as exc:
        raise StateCodecError(f"bad track record: {exc}") from exc


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """An active alert as the changelog keeps it: enough to resolve it after a move."""

    alert: Alert
    paged: bool
    """Its firing page went out (or sits in the outbox): restore it as already paged."""
    opened_at: float | None = None
    acked_by: str | None = None
    acked_at: float | None = None
    paged_at: float | None = None
    """When its last page went out: the repeat interval counts from then, not from the
    restore (records written before this field restore as paged at restore time)."""


def encode_alert(record: AlertRecord) -> bytes:
    try:
        return encode_object(record)
    except TypeError:
        bare = dataclasses.replace(record.alert, context={})
        return encode_object(dataclasses.replace(record, alert=bare))


def decode_alert(raw: bytes) -> AlertRecord:
    record: Any = decode_object(raw)
    if not isinstance(record, AlertRecord) or not hasattr(record, "alert"):
        raise StateCodecError("alert record does not hold an alert")
    if not isinstance(record.alert, Alert):
        raise StateCodecError("alert record does not hold an alert")
    for spec in dataclasses.fields(AlertRecord):
        if not hasattr(record, spec.name):  # written by an older version: its default
            object.__setattr__(record, spec.name, spec.default)
    return record
