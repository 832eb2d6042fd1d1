"""The canonical event every decoder produces.

The canonical JSON (docs: event format) decodes straight into :class:`Event`, with no
intermediate object per record: its fields are the wire's, with the wire's
constraints, and ``__post_init__`` turns an RFC 3339 ``time`` into epoch seconds.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec
from msgspec.structs import force_setattr

EventKind = Literal["metric", "log", "check", "change", "ticket", "customer"]

MIN_TIME = -62_135_596_800.0
MAX_TIME = 253_402_300_799.0
"""Event time must be a date in years 1-9999 so every stage can format it as RFC 3339."""

Timestamp = Annotated[datetime, msgspec.Meta(tz=True)] | float
"""An instant on the wire: RFC 3339 with a zone, or epoch seconds."""

if TYPE_CHECKING:
    EventTime = float
else:
    EventTime = Timestamp
"""What ``Event.time`` accepts: a Timestamp; what every stage reads: epoch seconds."""

_INF = float("inf")


class Event(msgspec.Struct, frozen=True, gc=False, forbid_unknown_fields=True):
    """One observation. ``time`` is epoch seconds (event time, not arrival time).

    ``gc=False``: an event holds no reference cycles, and untracked objects keep the
    collector's young passes short on the hot path.
    """

    time: EventTime
    kind: EventKind
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
    value: float | None = None
    labels: dict[str, str] = msgspec.field(default_factory=dict)
    attributes: dict[str, Any] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        # Runs for every consumed event: an epoch time skips the conversion.
        stamp = self.time
        if stamp.__class__ is not float:
            stamp = stamp.timestamp() if isinstance(stamp, datetime) else float(stamp)
            force_setattr(self, "time", stamp)
        if not MIN_TIME <= stamp <= MAX_TIME:  # NaN fails both comparisons
            raise ValueError(
                f"time {self.time!r} is outside the years 1-9999; send RFC 3339 or epoch seconds"
            )
        if not self.name:
            raise ValueError("name must not be empty")
        value = self.value
        if value is not None and (value == _INF or value == -_INF):
            raise ValueError("value must be finite")
