"""Which input partition the code running now works for.

The pipeline sets :data:`ORIGIN` while it handles a partition's batch or advances its
clock, so whatever that work produces (alert changes, notifications handed to the
dispatcher through paging or customer notices) is filed under that partition's
changelog without every stage passing the partition along.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Origin = tuple[str, int]
"""(input topic, partition)."""

ORIGIN: ContextVar[Origin | None] = ContextVar("alertd_origin", default=None)


@contextmanager
def working_for(origin: Origin | None) -> Iterator[None]:
    """File what the block produces under ``origin`` (work done outside a batch: the
    customer-notice clock, on-call actions over HTTP)."""
    if origin is None:
        yield
        return
    token = ORIGIN.set(origin)
    try:
        yield
    finally:
        ORIGIN.reset(token)
