"""Aggregation groups with Alertmanager's timers, minus the delays on-call hates.

Alerts that reach the same route with the same ``group_by`` labels share a group,
and a group is paged as one notification. Timers follow Alertmanager:

- a new group waits ``group_wait`` before its first page (to collect siblings);
- later changes are paged at most every ``group_interval``;
- an unchanged firing group is paged again after ``repeat_interval``.

Two exceptions: an alert whose severity is in the route's ``immediate_severities``
(``critical`` by default) is paged at once, and a resolve is paged as soon as it
happens. Nothing is paged twice: a flush sends only when the set of visible firing
alerts grew, something paged before resolved (even while silenced, so the pager's
incident closes), or the repeat interval passed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from alertd.alerts.model import AlertState
from alertd.alerts.store import Alert
from alertd.route.tree import Route


@dataclass(slots=True)
class AggregationGroup:
    key: str
    route: Route
    labels: dict[str, str]
    next_flush: float
    observed_at: float
    """When the newest change was consumed (latency metrics)."""
    alerts: dict[str, Alert] = field(default_factory=dict)
    notified: frozenset[str] = frozenset()
    """Fingerprints of the firing alerts in the last page sent."""
    last_sent: float | None = None
    repeats: int = 0


@dataclass(frozen=True, slots=True)
class Flush:
    """What one group pages now: all its visible alerts; ``changed`` triggered it."""

    group: AggregationGroup
    alerts: tuple[Alert, ...]
    changed: tuple[Alert, ...]
    newly_firing: tuple[Alert, ...]
    repeat: int


Visible = Callable[[Alert], bool]


class GroupBook:
    def __init__(self) -> None:
        self._groups: dict[str, AggregationGroup] = {}

    def __len__(self) -> int:
        return len(self._groups)

    def get(self, key: str) -> AggregationGroup | None:
        return self._groups.get(key)

    def add(self, route: Route, alert: Alert, now: float) -> AggregationGroup | None:
        """Put a firing or resolved alert in its group and schedule the group's flush."""
        key = route.group_key(alert.labels)
        group = self._groups.get(key)
        if alert.state is AlertState.RESOLVED:
            if group is None or alert.fingerprint not in group.alerts:
                return None
            group.next_flush = now
        else:
            if group is None:
                group = self._groups[key] = AggregationGroup(
                    key, route, route.group_labels(alert.labels), now + route.group_wait, now
                )
            if alert.fingerprint not in group.notified and _immediate(route, alert):
                group.next_flush = now
        group.alerts[alert.fingerprint] = alert
        group.observed_at = now
        return group

    def due(self, now: float) -> list[AggregationGroup]:
        return [g for g in self._groups.values() if g.next_flush <= now]

    def flush(self, group: AggregationGroup, now: float, visible: Visible) -> Flush | None:
        """Decide what to page and advance the group's state; None sends nothing."""
        group.next_flush = now + group.route.group_interval
        firing = [a for a in group.alerts.values() if a.state is not AlertState.RESOLVED]
        shown = [a for a in firing if visible(a)]
        resolved = [
            a
            for a in group.alerts.values()
            if a.state is AlertState.RESOLVED and a.fingerprint in group.notified
        ]
        fps = frozenset(a.fingerprint for a in shown)
        new = tuple(a for a in shown if a.fingerprint not in group.notified)
        repeat_due = (
            bool(shown)
            and group.last_sent is not None
            and now - group.last_sent >= group.route.repeat_interval
        )
        self._drop_resolved(group)
        # A paged alert muted later stays "notified": its resolve must still reach the
        # pager (or the page stays open forever), and the end of the mute is no news.
        still_paged = group.notified & {a.fingerprint for a in firing}
        if not new and not resolved and not repeat_due:
            group.notified = still_paged
            return None
        if repeat_due and not new and not resolved:
            group.repeats += 1
        group.notified, group.last_sent = fps | still_paged, now
        changed = (*new, *resolved) or tuple(shown)
        return Flush(group, (*shown, *resolved), changed, new, group.repeats)

    def _drop_resolved(self, group: AggregationGroup) -> None:
        for fp in [fp for fp, a in group.alerts.items() if a.state is AlertState.RESOLVED]:
            del group.alerts[fp]
        if not group.alerts:
            self._groups.pop(group.key, None)


def _immediate(route: Route, alert: Alert) -> bool:
    return alert.labels.get("severity", "") in route.immediate_severities
