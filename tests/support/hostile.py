"""Hostile input for decoders: random JSON, and documented records with fields broken."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from alertd.ingest.decoders import DecodeError, get_decoder
from alertd.ingest.event import Event

DECODE_ERROR_KINDS = {"malformed", "invalid", "too_large", "empty"}
HOSTILE_VALUES = (None, 1e308, -1, "", [], {}, "x" * 5, True, "0001-01-01T00:00:00+14:00")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def decodes_or_rejects(name: str, raw: bytes) -> list[Event]:
    """Decoder ``name`` returns events or raises a DecodeError with a reason: nothing else."""
    error: DecodeError | None = None
    events: list[Event] = []
    try:
        events = get_decoder(name)(raw)
    except DecodeError as exc:
        error = exc
    if error is not None:
        assert str(error)
        assert error.kind in DECODE_ERROR_KINDS
    assert all(isinstance(e, Event) for e in events)
    return events


def mutations(document: Any) -> list[Any]:
    """The documented record with each field in turn replaced by hostile values."""
    out: list[Any] = []
    if isinstance(document, dict):
        for key, value in document.items():
            out.extend({**document, key: bad} for bad in HOSTILE_VALUES)
            out.extend({**document, key: sub} for sub in mutations(value))
    elif isinstance(document, list) and document:
        out.extend([sub, *document[1:]] for sub in mutations(document[0]))
    return out
