"""The canonical event every decoder produces.

The canonical JSON (docs: event format) decodes straight into :class:`Event`, with no
intermediate object per record: its fields are the wire's, and msgspec checks the
wire's constraints in C while it decodes. What is left is one step, :func:`settled`:
an RFC 3339 ``time`` arrives as a ``datetime`` and becomes epoch seconds.

There is no ``__post_init__``: msgspec would call it for every decoded event, and a
Python call per event cost as much as the decode itself. An event built in Python
skips msgspec's checks, so code that builds one from input (foreign formats, rule
tests) passes it through :func:`checked`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

import msgspec
from msgspec.structs import force_setattr

try:
    from alertd.ingest._decode import epoch_seconds as epoch_seconds
except ImportError:  # not built (pyproject.toml, ext-modules)

    def epoch_seconds(moment: datetime) -> float:
        """``moment.timestamp()``: the float the compiled version gives, slower."""
        return moment.timestamp()


EventKind = Literal["metric", "log", "check", "change", "ticket", "customer"]

MIN_TIME = -62_135_596_800.0
MAX_TIME = 253_402_300_799.0
"""Event time must be a date in years 1-9999 so every stage can format it as RFC 3339."""

Timestamp = (
    Annotated[datetime, msgspec.Meta(tz=True)]
    | Annotated[float, msgspec.Meta(ge=MIN_TIME, le=MAX_TIME)]
)
"""An instant on the wire: RFC 3339 with a zone, or epoch seconds in the years 1-9999."""

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
    """JSON cannot carry NaN or infinity, and msgspec rejects numbers out of range."""
    labels: dict[str, str] = msgspec.field(default_factory=dict)
    attributes: dict[str, Any] = msgspec.field(default_factory=dict)


def settled(event: Event) -> Event:
    """A decoded event with its time in epoch seconds (ValueError if out of range).

    msgspec has checked every other constraint; an RFC 3339 time is still a
    ``datetime``, and one with a zone offset can fall just outside the years 1-9999.
    """
    stamp = event.time
    if stamp.__class__ is not float:
        stamp = epoch_seconds(cast(datetime, stamp))
        if not MIN_TIME <= stamp <= MAX_TIME:
            raise ValueError(_out_of_range(event.time))
        force_setattr(event, "time", stamp)
    return event


def checked(event: Event) -> Event:
    """An event built in Python, held to the constraints decoding applies (ValueError)."""
    stamp = event.time
    if stamp.__class__ is not float:
        stamp = stamp.timestamp() if isinstance(stamp, datetime) else float(stamp)
        force_setattr(event, "time", stamp)
    if not MIN_TIME <= stamp <= MAX_TIME:  # NaN fails both comparisons
        raise ValueError(_out_of_range(event.time))
    if not event.name:
        raise ValueError("name must not be empty")
    value = event.value
    if value is not None and (value == _INF or value == -_INF):
        raise ValueError("value must be finite")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in event.labels.items()):
        raise ValueError("labels must map strings to strings")  # decoding checks it too
    if not (_is_text(event.name) and all(map(_is_text, _label_strings(event.labels)))):
        # alert fingerprints and notices encode them as UTF-8; decoding refuses them too
        raise ValueError("name and labels must be UTF-8 text: a lone surrogate is not")
    return event


def _label_strings(labels: dict[str, str]) -> Iterator[str]:
    for key, value in labels.items():
        yield key
        yield value


def _is_text(text: str) -> bool:
    """Whether ``text`` encodes to UTF-8 (has no lone surrogate)."""
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _out_of_range(stamp: object) -> str:
    return f"time {stamp!r} is outside the years 1-9999; send RFC 3339 or epoch seconds"
