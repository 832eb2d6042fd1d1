"""The daemon's garbage-collector policy: full passes on the clock, not on heap growth."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from alertd.heap import HeapPolicy


@pytest.fixture
def restored_gc() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_apply_freezes_startup_objects_and_turns_off_automatic_full_passes(
    restored_gc: None,
) -> None:
    built_at_startup = [object(), {"rules": [1, 2]}]
    young_before, middle_before, _ = gc.get_threshold()
    HeapPolicy().apply()
    young, middle, old = gc.get_threshold()
    assert gc.get_freeze_count() > 0
    assert (young, middle) == (young_before, middle_before)  # young passes stay short
    assert old > 1_000_000  # no heap grows a million old-generation passes in its life
    assert built_at_startup  # frozen objects stay usable


def test_tick_runs_a_full_collection_only_when_due(
    restored_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    collected: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation) or 0)
    clock = [1000.0]
    monkeypatch.setattr("alertd.heap.time.monotonic", lambda: clock[0])
    policy = HeapPolicy(full_every=60.0)
    policy.apply()
    collected.clear()
    clock[0] += 59.0
    policy.tick()
    assert collected == []
    clock[0] += 1.0
    policy.tick()
    assert collected == [2]
    policy.tick()
    assert collected == [2]
