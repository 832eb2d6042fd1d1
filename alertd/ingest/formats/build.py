"""Build canonical events from decoded fields; invalid values become DLQ reasons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alertd.ingest.decoders import DecodeError
from alertd.ingest.event import Event, EventKind, checked


def make_event(
    time: float,
    kind: EventKind,
    name: str,
    value: float | None = None,
    labels: Mapping[str, str] | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Event:
    """An :class:`Event`, or DecodeError saying which field made it impossible."""
    try:
        event = Event(
            time=time,
            kind=kind,
            name=name,
            value=value,
            labels=dict(labels or {}),
            attributes=dict(attributes or {}),
        )
        return checked(event)
    except (ValueError, OverflowError) as exc:
        raise DecodeError(f"{name or '<no name>'}: {exc}") from exc
