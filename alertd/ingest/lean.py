"""Lean records: the event consumer gets the broker's record objects as they are.

For every record it hands out, aiokafka builds a ``ConsumerRecord``: a dataclass of
eleven fields (topic, partition, sizes, a tuple of headers...) with a ``__dict__``
of its own. The event consumer reads three of them (offset, key, value) and knows
the topic and partition from the batch, so that object is pure overhead: about a
quarter of the consume loop's time in bench/throughput.py.

aiokafka has no public switch for it, so this wraps the one method that builds the
object (``PartitionRecords._consumer_record``). The wrapper is scoped and guarded:

* only a consumer whose ``value_deserializer`` is :func:`keep_record` gets the raw
  record; every other consumer in the process (compacted tables, the changelog)
  still gets ``ConsumerRecord`` through the original method;
* it is installed only when the method has the shape this was written against
  (:data:`SUPPORTED`); otherwise the consumer is built as usual and gets ordinary
  ``ConsumerRecord`` objects, which read the same.

``kafka.lean_records: false`` turns it off.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Protocol

from aiokafka.consumer import fetcher


class FetchedRecord(Protocol):
    """What the event consumer reads of a record: aiokafka's ``ConsumerRecord`` and
    the broker's record objects both have it."""

    @property
    def offset(self) -> int: ...

    @property
    def key(self) -> bytes | None: ...

    @property
    def value(self) -> bytes | None: ...


def keep_record(value: bytes | None) -> bytes | None:
    """The marker deserializer of a lean consumer (the identity where not installed)."""
    return value


def _supported() -> bool:
    method = getattr(fetcher.PartitionRecords, "_consumer_record", None)
    if method is None:
        return False
    params = list(inspect.signature(method).parameters)
    init_sets = fetcher.PartitionRecords.__init__.__code__.co_names
    return params == ["self", "tp", "record"] and "_value_deserializer" in init_sets


SUPPORTED = _supported()
"""Whether this aiokafka builds its records the way :func:`install` expects."""


def install() -> bool:
    """Wrap the record builder once; True when lean records are in effect."""
    if not SUPPORTED:
        return False
    builder: Callable[[Any, Any, Any], Any] = fetcher.PartitionRecords._consumer_record
    if getattr(builder, "_alertd_lean", False):
        return True

    @functools.wraps(builder)  # ``__wrapped__``: aiokafka's own, for whoever needs it
    def consumer_record(self: Any, tp: Any, record: Any) -> Any:
        if self._value_deserializer is keep_record:
            return record
        return builder(self, tp, record)

    consumer_record._alertd_lean = True  # type: ignore[attr-defined]
    fetcher.PartitionRecords._consumer_record = consumer_record
    return True
