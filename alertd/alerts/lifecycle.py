"""Turn verdicts into transitions: ``for`` before firing, ``keep_firing_for`` before resolving.

Timers run on event time. They live in a heap, so advancing the clock costs only the
timers that are due, not a scan of every alert. Series that start firing too often
are marked flapping (alerts/flap.py) on their transitions.
"""

from __future__ import annotations

import heapq
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

from alertd.alerts.flap import FlapDetector, FlapPolicy
from alertd.alerts.model import AlertState, Transition, fingerprint
from alertd.detect.changes import change_set, drain
from alertd.detect.engine import Observation
from alertd.detect.rule import CompiledRule
from alertd.detect.table import SeriesKey


@dataclass(slots=True)
class _Track:
    rule: CompiledRule
    group: tuple[str, ...]
    state: AlertState
    since: float
    """When the current pending or firing episode started."""
    fingerprint: str
    value: float | None = None
    context: dict[str, object] = field(default_factory=dict)
    clearing: bool = False
    generation: int = 0
    flapping: bool = False
    due: float | None = None
    """When the pending (``for``) or clearing (``keep_firing_for``) timer runs out."""


Track = _Track
"""Public name for the state layer (alertd/state), which persists tracks."""


class Lifecycle:
    def __init__(self, flap: FlapPolicy | None = None, track_changes: bool = True) -> None:
        self._flap = FlapDetector(flap, track_changes)
        self._tracks: dict[SeriesKey, _Track] = {}
        self._timers: list[tuple[float, int, SeriesKey, int]] = []
        self._seq = 0
        self._dirty: set[SeriesKey] = change_set(track_changes)
        """Tracks changed or ended since the last :meth:`drain_dirty`."""

    def drain_dirty(self) -> list[tuple[SeriesKey, _Track | None]]:
        """Tracks changed since the last call: (key, track or None if it ended)."""
        dirty = drain(self._dirty)
        return [(key, self._tracks.get(key)) for key in dirty]

    @property
    def flaps(self) -> FlapDetector:
        """Recent firing starts per series (persisted beside the tracks)."""
        return self._flap

    def track_keys(self) -> set[SeriesKey]:
        return set(self._tracks)

    def mark_gone(self, keys: Iterable[SeriesKey]) -> None:
        """Report these tracks at the next :meth:`drain_dirty` (dropped by a reload)."""
        self._dirty.update(k for k in keys if k not in self._tracks)

    def install(self, key: SeriesKey, track: _Track) -> None:
        """Put back a track restored from the changelog and re-arm its timer."""
        self._tracks[key] = track
        if track.due is not None:
            self._seq += 1
            heapq.heappush(self._timers, (track.due, self._seq, key, track.generation))

    @property
    def tracked(self) -> Container[SeriesKey]:
        """Series with a track (pending, firing or clearing): they hear every verdict."""
        return self._tracks

    def next_due(self) -> float:
        """The earliest event time at which :meth:`advance` may have work."""
        return self._timers[0][0] if self._timers else float("inf")

    def active(self) -> list[_Track]:
        return list(self._tracks.values())

    def observe(self, obs: Observation) -> Transition | None:
        track = self._tracks.get(obs.key)
        if obs.verdict.active:
            self._dirty.add(obs.key)
            return self._on_active(obs, track)
        if track is None:
            # Not dirty: a series without a track (most of them) would otherwise cost
            # a tombstone in the state changelog for every one of its events.
            return None
        self._dirty.add(obs.key)
        track.value = obs.verdict.value
        return self._on_clear(obs, track)

    def advance(self, now: float) -> list[Transition]:
        """Fire timers due at or before ``now``; each transition is stamped with its due time."""
        out = []
        while self._timers and self._timers[0][0] <= now:
            due, _, key, generation = heapq.heappop(self._timers)
            track = self._tracks.get(key)
            if track is None or track.generation != generation:
                continue
            self._dirty.add(key)
            track.due = None
            if track.state is AlertState.PENDING:
                track.state = AlertState.FIRING
                track.generation += 1
                track.flapping = self._flap.started(key, due)
                out.append(self._transition(track, AlertState.FIRING, due))
            elif track.clearing:
                out.append(self._end(key, track, AlertState.RESOLVED, due))
        return out

    def _on_active(self, obs: Observation, track: _Track | None) -> Transition | None:
        rule = obs.rule
        if track is None:
            labels = obs.labels
            track = _Track(
                rule, obs.group, AlertState.PENDING, obs.at, fingerprint(rule.name, labels)
            )
            self._tracks[obs.key] = track
            track.value, track.context = obs.verdict.value, dict(obs.verdict.context)
            if rule.spec.for_ <= 0:
                track.state = AlertState.FIRING
                track.flapping = self._flap.started(obs.key, obs.at)
                return self._transition(track, AlertState.FIRING, obs.at)
            self._schedule(obs.key, track, obs.at + rule.spec.for_)
            return self._transition(track, AlertState.PENDING, obs.at)
        track.value, track.context = obs.verdict.value, dict(obs.verdict.context)
        if track.clearing:
            track.clearing = False
            track.generation += 1
        return None

    def _on_clear(self, obs: Observation, track: _Track) -> Transition | None:
        if track.state is AlertState.PENDING:
            return self._end(obs.key, track, AlertState.INACTIVE, obs.at)
        if track.clearing:
            return None
        keep = obs.rule.spec.keep_firing_for
        if keep <= 0:
            return self._end(obs.key, track, AlertState.RESOLVED, obs.at)
        track.clearing = True
        track.generation += 1
        self._schedule(obs.key, track, obs.at + keep)
        return None

    def _schedule(self, key: SeriesKey, track: _Track, due: float) -> None:
        track.due = due
        self._seq += 1
        heapq.heappush(self._timers, (due, self._seq, key, track.generation))

    def _end(self, key: SeriesKey, track: _Track, state: AlertState, at: float) -> Transition:
        del self._tracks[key]
        return self._transition(track, state, at)

    @staticmethod
    def _transition(track: _Track, state: AlertState, at: float) -> Transition:
        return Transition(
            rule=track.rule.name,
            labels=dict(zip(track.rule.group_by, track.group, strict=True)),
            state=state,
            at=at,
            fingerprint=track.fingerprint,
            started_at=track.since,
            value=track.value,
            context={**track.context, "flapping": True} if track.flapping else track.context,
            flapping=track.flapping,
        )
