"""Which input partition the code running now works for.

The pipeline sets :data:`ORIGIN` while it handles a partition's batch or advances its
clock, so whatever that work produces (alert changes, notifications handed to the
dispatcher through paging or customer notices) is filed under that partition's
changelog without every stage passing the partition along.
"""

from __future__ import annotations

from contextvars import ContextVar

Origin = tuple[str, int]
"""(input topic, partition)."""

ORIGIN: ContextVar[Origin | None] = ContextVar("alertd_origin", default=None)
