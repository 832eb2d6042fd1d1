"""Garbage-collector settings for the daemon process: keep full passes off the hot path.

A full (generation 2) collection walks every tracked object. With 100k live series that
stops the event loop for about 100 ms (up to 340 ms on a busy machine), so no event is
handled and no page is sent meanwhile; under load, those passes were the largest part of
the latency tail (bench/RESULTS.md, "Latency"). CPython starts one whenever the old
generation grew by a quarter, which is all the time while series are being created.

The policy: the configuration, rules and everything else built at startup are frozen
(never scanned again: they live as long as the process); young collections stay as
CPython runs them (short: they scan only recent objects, and cyclic garbage mostly dies
young); and full collections run on the daemon's clock every ``full_every`` seconds
instead of whenever the heap grew, so the pause comes once in a while instead of every
few seconds. (Rarer young collections were tried: every 20,000 allocations made the
middle generation hold up to 200k objects and its passes took up to 60 ms.) Objects
freed by reference counting (nearly all of them) are freed at once as before, frozen
ones included: a reload that drops the old rules frees them (they hold no reference
cycles; only cyclic garbage among frozen objects would stay).
"""

from __future__ import annotations

import gc
import time

FULL_EVERY = 600.0
"""Seconds between scheduled full collections."""

_NEVER = 1 << 30
"""A generation-2 threshold no process reaches: automatic full collections are off."""


class HeapPolicy:
    """Applied by ``alertd run`` (the process owner), not by embedded daemons (tests)."""

    def __init__(self, full_every: float = FULL_EVERY) -> None:
        self.full_every = full_every
        self._last_full = time.monotonic()

    def apply(self) -> None:
        """Startup is done: freeze what it built and switch to scheduled full passes."""
        gc.collect()
        gc.freeze()
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, _NEVER)
        self._last_full = time.monotonic()

    def tick(self) -> None:
        """Called by the daemon's clock: run the full collection when it is due."""
        now = time.monotonic()
        if now - self._last_full >= self.full_every:
            self._last_full = now
            gc.collect()
