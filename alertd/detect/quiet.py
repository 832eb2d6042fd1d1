"""The quiet lane: an event that changes nothing costs a lookup, not an evaluation.

Most events of a healthy system leave every series they feed as it was: a latency
under its threshold, on a series that is not firing. For those, the full path
(verdict, observation, lifecycle, changelog) only proves that nothing happened. The
lane applies a run of such events with a few dict lookups each and stops at the first
event that may change something, which then takes the full path
(``Evaluator.process``).

An event is quiet when every input it feeds belongs to a rule whose detector declares
a rest range (``DetectorType.rest_range``), its value lies in that range (or is
missing), and every series it feeds is at rest and has no lifecycle track. Applying it
only creates the series that were missing and moves their last-seen time: exactly the
state the full path would leave behind, and nothing the state changelog must hold.

Where alertd.detect._lane is built and the engine files series natively, the common
case (one input grouped by one label) runs compiled (:class:`CompiledLane`), and this
module's loop applies only the events of other shapes, one at a time (:func:`step`).
"""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from typing import TYPE_CHECKING, cast

from alertd.detect.detectors.base import RestingSeries, SeriesFactory
from alertd.detect.index import MEMO_LIMIT, NOT_DERIVED, Hit, RuleIndex
from alertd.detect.table import GroupKey, RuleSeries, SeriesKey, SeriesTable, group_key

try:
    from alertd.detect._lane import CompiledLane
except ImportError:  # not built (pyproject.toml, ext-modules): the Python loop does it all
    CompiledLane = None  # type: ignore[assignment,misc]

if TYPE_CHECKING:
    from alertd.detect.detectors.base import SeriesDetector
    from alertd.ingest.event import Event

Lane = tuple[str, tuple[str, ...], float, float, SeriesFactory, RuleSeries]
"""One input of a quiet event: rule name, group-by labels, rest range, series factory,
and the rule's series (:meth:`SeriesTable.of_rule`)."""

Plan = tuple[Lane, ...] | None
"""The lanes an event feeds, or None when one of its inputs can never be quiet."""


class QuietLane:
    """The engine's tables the lane reads and writes."""

    __slots__ = ("compiled", "eligible", "index", "series")

    def __init__(self, index: RuleIndex, eligible: frozenset[str], series: SeriesTable) -> None:
        self.index = index
        self.eligible = eligible
        """Rules that may take the lane: a rest range, no clock, feeding no other rule."""
        self.series = series
        self.compiled: CompiledLane | None = None
        """The compiled common case, where it is built and the series are filed natively."""
        if CompiledLane is not None and series.native:
            self.compiled = CompiledLane(self, step, MEMO_LIMIT)

    def plan_for(self, event: Event) -> Plan:
        """The plan of ``event``'s index hit (the compiled lane asks once per answer)."""
        hit = self.index.lookup(event)
        plan: Plan = hit.derived  # type: ignore[assignment]
        return self.plan(hit) if plan is NOT_DERIVED else plan

    def plan(self, hit: Hit) -> Plan:
        """The lanes of an index hit, kept in the hit (the index's memo is the plans')."""
        lanes: list[Lane] = []
        for rule, stream in hit.inputs:
            rest = rule.rest_range
            if stream.name is not None or rest is None or rule.name not in self.eligible:
                hit.derived = None
                return None
            filed = self.series.of_rule(rule.name)
            lanes.append(
                (rule.name, tuple(rule.group_by), rest[0], rest[1], rule.new_series, filed)
            )
        plan = hit.derived = tuple(lanes)
        return plan


def run(
    lane: QuietLane,
    events: Sequence[Event],
    start: int,
    watermark: float,
    due: float,
    tracked: Container[SeriesKey],
) -> tuple[int, float]:
    """Apply ``events[start:]`` while they are quiet and no timer is due before them.

    Returns the index of the first event left for the full path (``len(events)`` when
    none is) and the event-time clock after the applied ones. ``due``: the earliest
    time a timer of the engine or the lifecycle may fire; ``tracked``: the series the
    lifecycle tracks.
    """
    if lane.compiled is not None:
        return lane.compiled.run(events, start, watermark, due, tracked)
    return _run_python(lane, events, start, watermark, due, tracked)


def step(lane: QuietLane, event: Event, tracked: Container[SeriesKey]) -> bool:
    """Apply one event by the Python loop if it is quiet (the compiled lane's way for
    the shapes it leaves to Python); False when it must take the full path. The caller
    has checked the clock."""
    return _run_python(lane, (event,), 0, math.inf, math.inf, tracked)[0] == 1


def _run_python(
    lane: QuietLane,
    events: Sequence[Event],
    start: int,
    watermark: float,
    due: float,
    tracked: Container[SeriesKey],
) -> tuple[int, float]:
    # Hot loop (every consumed event): tables hoisted, the index's memo and the
    # one-input case inline, no call on the common path; a series is looked up in its
    # rule's dict by the group value itself, with no key tuple built.
    index = lane.index
    memo, labels_by_name = index.memo, index.labels_by_name
    i, count = start, len(events)
    while i < count:
        event = events[i]
        at = event.time
        if at > watermark and at >= due:
            break
        labels = event.labels
        names = labels_by_name.get(event.name)
        if names is not None and len(names) == 1:
            # RuleIndex.lookup's key for one looked-at label; a miss falls back to it.
            hit = memo.get((event.kind, event.name, labels.get(names[0], "")))
            if hit is None:
                hit = index.lookup(event)
        else:
            hit = index.lookup(event)
        plan: Plan = hit.derived  # type: ignore[assignment]
        if plan is NOT_DERIVED:
            plan = lane.plan(hit)
        if plan is None:
            break
        if len(plan) == 1:
            rule_name, group_by, low, high, new_series, filed = plan[0]
            value = event.value
            if value is not None and (value < low or value > high):
                break  # NaN compares False both ways: a missing number is quiet
            # A track hears every verdict, even a fresh series': its key is built only
            # while the lifecycle tracks something. One value is filed as itself.
            group: GroupKey
            if len(group_by) == 1:
                group = labels.get(group_by[0], "")
                if tracked and (rule_name, (group,)) in tracked:
                    break
            else:
                group = tuple([labels.get(label, "") for label in group_by])
                if tracked and (rule_name, group) in tracked:
                    break
            if filed.__class__ is not dict:  # a RestingMap: the slot's step, compiled
                if not filed.rest(group, at):  # type: ignore[attr-defined]
                    break
            else:
                series: RestingSeries | None = filed.get(group)
                if series is None:
                    filed[group] = made = new_series()
                    made.last_seen = at
                elif not series.at_rest:
                    break
                elif at > series.last_seen:
                    series.last_seen = at
        elif not _apply_all(plan, event, tracked):
            break
        if at > watermark:
            watermark = at
        i += 1
    return i, watermark


def _apply_all(plan: tuple[Lane, ...], event: Event, tracked: Container[SeriesKey]) -> bool:
    """An event feeding several inputs: apply it only if every one of them stays quiet."""
    labels, value, at = event.labels, event.value, event.time
    fresh: list[tuple[RuleSeries, GroupKey, SeriesDetector | None]] = []
    for rule_name, group_by, low, high, new_series, filed in plan:
        if value is not None and (value < low or value > high):
            return False
        group = tuple([labels.get(label, "") for label in group_by])
        if (rule_name, group) in tracked:
            return False
        key = group_key(group)
        series = filed.get(key)
        if series is not None and not cast(RestingSeries, series).at_rest:
            return False
        fresh.append((filed, key, new_series() if series is None else None))
    for filed, key, new in fresh:
        if new is not None:
            new.last_seen = at
            filed.setdefault(key, new)  # two inputs of one rule may share a series
        series = filed[key]
        if at > series.last_seen:
            series.last_seen = at
    return True
