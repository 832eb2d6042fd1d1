"""The canonical event every decoder produces."""

from __future__ import annotations

import math
from typing import Any, Literal

import msgspec

EventKind = Literal["metric", "log", "check", "change", "ticket", "customer"]


class Event(msgspec.Struct, frozen=True, gc=False):
    """One observation. ``time`` is epoch seconds (event time, not arrival time)."""

    time: float
    kind: EventKind
    name: str
    value: float | None = None
    labels: dict[str, str] = msgspec.field(default_factory=dict)
    attributes: dict[str, Any] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("name must not be empty")
        if not math.isfinite(self.time):
            raise ValueError("time must be a finite number")
        if self.value is not None and math.isinf(self.value):
            raise ValueError("value must be finite")
