"""A part of the pipeline's state that rides along in a partition's changelog.

Series, tracks and alerts are written by :class:`~alertd.state.partitions.PartitionState`
itself; other stages (customer notices) plug in as sections so the partition's write,
restore and hand-over stay one sequence.
"""

from __future__ import annotations

from typing import Any, Protocol

from alertd.state.origin import Origin

Buffer = dict[bytes, bytes | None]


class StateSection(Protocol):
    kinds: frozenset[str]
    """Record kinds (alertd/state/keys.py) this section writes and restores."""

    def collect(self, origin: Origin, buffer: Buffer) -> None:
        """Put the section's changed records of ``origin`` into its write buffer."""

    def restore(self, origin: Origin, parts: list[Any], raw: bytes) -> None:
        """Take back one record of ``origin`` read from the changelog."""

    def drop(self, origin: Origin) -> None:
        """Another process owns ``origin`` now: forget its state."""
