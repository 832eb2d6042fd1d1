"""Paging: from alert changes to group notifications, escalations and acks.

The pipeline hands every firing or resolved alert to :meth:`Paging.on_alert` and
calls :meth:`Paging.tick` on its clock. Paging routes the alert, files it in its
aggregation groups, and on each flush leaves out what is silenced, inhibited or
outside the route's time intervals. Pages that nobody acknowledges escalate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import structlog

from alertd.alerts.escalation import EscalationPolicy, Escalations, EscalationStep
from alertd.alerts.incidents import Incident, IncidentStore, incident_id
from alertd.alerts.inhibit import Inhibitor
from alertd.alerts.model import AlertState
from alertd.alerts.silences import Silences
from alertd.alerts.store import Alert
from alertd.alerts.timeintervals import TimeInterval
from alertd.config.schema import Config
from alertd.notify.dispatcher import Dispatcher
from alertd.notify.grouping import Flush, GroupBook
from alertd.notify.notification import Notification
from alertd.observe.metrics import Metrics
from alertd.route.tree import Route

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class PagingOptions:
    """The noise controls, built once from the config (silences are live state)."""

    silences: Silences = field(default_factory=Silences)
    inhibitor: Inhibitor = field(default_factory=lambda: Inhibitor(()))
    intervals: Mapping[str, TimeInterval] = field(default_factory=dict)
    policies: Mapping[str, EscalationPolicy] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Config, silences: Silences | None = None) -> PagingOptions:
        """Config must have passed the loader's checks (intervals compile, names exist)."""
        return cls(
            silences=silences or Silences(),
            inhibitor=Inhibitor.from_config(config.inhibit_rules),
            intervals={t.name: TimeInterval.build(t) for t in config.time_intervals},
            policies={p.name: EscalationPolicy.build(p) for p in config.escalation_policies},
        )


@dataclass(slots=True)
class _Paged:
    """Who was paged for an incident, so an ack can be forwarded to them."""

    receivers: list[str]
    group_key: str
    group_labels: dict[str, str]


class Paging:
    def __init__(
        self,
        route: Route,
        dispatcher: Dispatcher,
        incidents: IncidentStore,
        metrics: Metrics,
        options: PagingOptions | None = None,
    ) -> None:
        self.route = route
        self.options = options or PagingOptions()
        self.groups = GroupBook()
        self.escalations = Escalations()
        self._dispatcher = dispatcher
        self._incidents = incidents
        self._metrics = metrics
        self._paged: dict[str, _Paged] = {}
        self.acknowledged: Callable[[Incident], None] = lambda incident: None
        """Called after an ack is recorded (alertd/state writes it to the changelog)."""

    @property
    def silences(self) -> Silences:
        return self.options.silences

    @property
    def incidents(self) -> IncidentStore:
        return self._incidents

    def reconfigure(self, options: PagingOptions) -> None:
        """Config reload: new inhibit rules, intervals and policies. Silences, open
        groups and running escalations carry over (the route is set separately)."""
        options.inhibitor.carry_over(self.options.inhibitor)
        options.silences = self.options.silences
        self.options = options

    async def on_alert(self, alert: Alert, now: float) -> None:
        """A firing or resolved alert: file it, page what is due now."""
        resolved = alert.state is AlertState.RESOLVED
        self.options.inhibitor.set_firing(alert.fingerprint, None if resolved else alert.labels)
        for route in self.route.match(alert.labels):
            if route.receiver is not None:
                self.groups.add(route, alert, now)
        await self._flush_due(now)
        if resolved:
            self.escalations.stop(incident_id(alert))
            self._paged.pop(incident_id(alert), None)

    async def tick(self, now: float) -> None:
        await self._flush_due(now)
        due = self.escalations.due(now, lambda inc: self._still_unacked(inc, now))
        for step in list(due):
            await self._escalate(step, now)

    async def acknowledge(self, incident_id_: str, by: str, now: float) -> Incident | None:
        """Stop escalating; tell pagers that support it (PagerDuty) about the ack."""
        incident = self._incidents.ack(incident_id_, by, now)
        if incident is None or not incident.open:
            return incident
        self.acknowledged(incident)
        self.escalations.stop(incident.id)
        paged = self._paged.get(incident.id)
        for receiver in paged.receivers if paged else ():
            await self._dispatcher.submit(
                Notification.for_group(
                    receiver,
                    paged.group_key if paged else "",
                    paged.group_labels if paged else {},
                    [incident.alert],
                    incident.alert,
                    now,
                    action="acknowledge",
                )
            )
        return incident

    def visible(self, alert: Alert, now: float) -> bool:
        """False while a silence or an inhibition mutes the alert."""
        if self.silences.silenced_by(alert.labels, now):
            self._metrics.pages_suppressed.labels("silenced").inc()
            return False
        if self.options.inhibitor.inhibited_by(alert.fingerprint, alert.labels):
            self._metrics.pages_suppressed.labels("inhibited").inc()
            return False
        return True

    def muted_by_time(self, route: Route, now: float) -> bool:
        intervals = self.options.intervals
        if any(intervals[name].contains(now) for name in route.mute_time_intervals):
            return True
        active = route.active_time_intervals
        return bool(active) and not any(intervals[name].contains(now) for name in active)

    async def _flush_due(self, now: float) -> None:
        for group in self.groups.due(now):
            if self.muted_by_time(group.route, now):
                self._metrics.pages_suppressed.labels("muted").inc()
                group.next_flush = now + group.route.group_interval
                continue
            flush = self.groups.flush(group, now, lambda a: self.visible(a, now))
            if flush is not None:
                await self._page(flush, now)

    async def _page(self, flush: Flush, now: float) -> None:
        group = flush.group
        receiver = group.route.receiver
        assert receiver is not None
        notification = Notification.for_group(
            receiver,
            group.key,
            group.labels,
            flush.alerts,
            flush.changed[0],
            group.observed_at,
            salt=f"repeat-{flush.repeat}" if flush.repeat else "",
            changed=flush.changed,
        )
        await self._dispatcher.submit(notification)
        for alert in flush.newly_firing:
            paged = self._paged.setdefault(
                incident_id(alert), _Paged([], group.key, dict(group.labels))
            )
            if receiver not in paged.receivers:
                paged.receivers.append(receiver)
            policy = self.options.policies.get(group.route.escalation or "")
            if policy is not None:
                self.escalations.start(incident_id(alert), policy, now)

    def _still_unacked(self, incident_id_: str, now: float) -> bool:
        """Escalate only open, unacknowledged, unsilenced incidents."""
        incident = self._incidents.get(incident_id_)
        if incident is None or not incident.open or incident.acked_at is not None:
            return False
        return not self.silences.silenced_by(incident.alert.labels, now)

    async def _escalate(self, step: EscalationStep, now: float) -> None:
        incident = self._incidents.get(step.incident_id)
        if incident is None:
            return
        alert = incident.alert
        await self._dispatcher.submit(
            Notification.for_group(
                step.receiver,
                f"escalation:{incident.id}",
                {},
                [alert],
                alert,
                now,
                action="escalate",
                salt=str(step.step),
            )
        )
        self._metrics.escalations.labels(step.policy.name).inc()
        incident.extra["escalation"] = {
            "policy": step.policy.name,
            "level": step.level + 1,
            "cycle": step.cycle,
            "receiver": step.receiver,
        }
        paged = self._paged.setdefault(incident.id, _Paged([], f"escalation:{incident.id}", {}))
        if step.receiver not in paged.receivers:
            paged.receivers.append(step.receiver)
        log.info("incident_escalated", incident=incident.id, receiver=step.receiver)
