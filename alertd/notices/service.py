"""Customer notices end to end: from an incident to what each affected customer hears.

Flow per incident: audience resolved from the alert's labels -> confirmation window
(hold/release/cancel, approval above a size) -> ``investigating`` -> on-call updates
(identified, monitoring...) -> ``resolved``, exactly once per notified customer.
Everything a customer receives passes the per-customer outbox (rate limit + digest)
and goes out through the Dispatcher. Pages are never delayed: this hook only reads
the alert and, inside a maintenance window, marks it for on-call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import structlog

from alertd.alerts.incidents import Incident
from alertd.alerts.model import AlertState
from alertd.alerts.store import Alert
from alertd.config.rules import RuleSpec
from alertd.customers.audience import Audience, resolve
from alertd.customers.directory import CustomerDirectory, UnknownSegment
from alertd.customers.spec import AudienceSpec
from alertd.notices.config import NoticesConfig
from alertd.notices.delivery import NoticeSender
from alertd.notices.maintenance import MaintenanceBook
from alertd.notices.metrics import NoticeMetrics
from alertd.notices.model import NoticeItem, Stage
from alertd.notices.paging import OwnerPager
from alertd.notices.tracker import NoticeState, NoticeTracker, Status
from alertd.state.origin import ORIGIN, Origin
from alertd.templating import Templates

log = structlog.get_logger(__name__)
DEFAULT_TITLE = "Service disruption"
WAITING = frozenset({Status.WAITING, Status.HELD, Status.AWAITING_APPROVAL})
DONE = frozenset({Status.CLOSED, Status.CANCELLED, Status.NO_AUDIENCE})


class NoticeError(Exception):
    """An on-call action that cannot apply; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


class NoticeService:
    def __init__(
        self,
        config: NoticesConfig,
        rules: Iterable[RuleSpec],
        directory: CustomerDirectory,
        sender: NoticeSender,
        templates: Templates,
        metrics: NoticeMetrics,
        pager: OwnerPager | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from alertd.notices.digest import Outbox

        self.config = config
        self._specs: dict[str, AudienceSpec] = {
            r.name: r.customers for r in rules if r.customers is not None
        }
        self.directory = directory
        self._sender = sender
        self._templates = templates
        self.metrics = metrics
        self._pager = pager
        self._clock = clock
        self.tracker = NoticeTracker()
        self.outbox = Outbox(config.rate_limit)
        self.maintenance = MaintenanceBook(config.announce_before, config.maintenance)
        self._alerts: dict[str, Alert] = {}
        self.leader: Callable[[], bool] = lambda: True
        """Whether this process sends maintenance notices (one process in a group does)."""
        self.maintenance_origin: Callable[[], Origin | None] = lambda: None
        """The partition the leader files maintenance notices under."""
        self.alert_of: Callable[[str], Alert | None] = lambda fingerprint: None
        """An active alert by fingerprint (for notices restored without their alert)."""
        sender.origin_of = self.origin_of

    def origin_of(self, item: NoticeItem) -> Origin | None:
        """The input partition whose owner keeps (and sends) ``item``."""
        if item.kind == "maintenance":
            return self.maintenance_origin()
        state = self.tracker.get(item.source_id)
        return state.origin if state is not None else None

    def restore(self, state: NoticeState) -> None:
        """Take over a notice in progress from the changelog (alertd/state); its alert
        is looked up with :attr:`alert_of` when it is needed."""
        self.tracker.add(state)
        for customer_id in state.notified - state.resolution_sent:
            self.outbox.restore_told(customer_id, [state.fingerprint])
        self._refresh_gauges()

    def forget(self, origin: Origin) -> None:
        """Another process owns ``origin`` now: drop its notices and waiting items."""
        gone = {s.incident_id for s in self.tracker.forget(origin)}
        for incident_id in gone:
            self._alerts.pop(incident_id, None)
        maintenance = origin == self.maintenance_origin()

        def moved(item: NoticeItem) -> bool:
            return item.source_id in gone or (maintenance and item.kind == "maintenance")

        self.outbox.forget(moved)
        self._sender.forget(moved)
        self._refresh_gauges()

    @property
    def sender(self) -> NoticeSender:
        return self._sender

    def now(self) -> float:
        """The service's clock (wall time; tests drive it)."""
        return self._clock()

    def replace_rules(self, rules: Iterable[RuleSpec], templates: Templates) -> None:
        """Config reload: open incidents keep the audience they were computed with."""
        self._specs = {r.name: r.customers for r in rules if r.customers is not None}
        self._templates = templates

    # -- pipeline hook -------------------------------------------------------------

    async def on_alert(self, alert: Alert, incident: Incident | None, observed_at: float) -> Alert:
        """Track the incident for customers; returns the alert to page with (maybe marked)."""
        spec = self._specs.get(alert.rule)
        if spec is None or incident is None or not self.config.enabled:
            return alert
        try:
            if alert.state is AlertState.FIRING:
                return self._on_firing(alert, incident, spec, observed_at)
            if alert.state is AlertState.RESOLVED:
                self._on_resolved(incident.id, observed_at)
        except Exception:  # customer notices must never break paging
            log.exception("customer_notice_failed", incident=incident.id)
        return alert

    def _on_firing(self, alert: Alert, incident: Incident, spec: AudienceSpec, now: float) -> Alert:
        state = self.tracker.get(incident.id)
        if state is None:
            state = self._open(alert, incident, spec, now)
        self._alerts[incident.id] = alert
        if state.maintenance_id is None:
            return alert
        marked = {**alert.annotations, "maintenance": state.maintenance_id}
        return replace(alert, annotations=marked)

    def _open(
        self, alert: Alert, incident: Incident, spec: AudienceSpec, now: float
    ) -> NoticeState:
        context = {
            "labels": dict(alert.labels),
            "annotations": dict(alert.annotations),
            "value": alert.value,
        }
        audience = self._resolve(spec, alert.labels)
        state = NoticeState(
            incident_id=incident.id,
            fingerprint=alert.fingerprint,
            rule=alert.rule,
            labels=dict(alert.labels),
            opened_at=now,
            release_at=now + self.config.confirm_after,
            audience=audience,
            title=self._render(spec.title, context) or DEFAULT_TITLE,
            impact=self._render(spec.impact, context)
            or alert.annotations.get("impact", "")
            or DEFAULT_TITLE,
            workaround=self._render(spec.workaround, context)
            or alert.annotations.get("workaround")
            or None,
            components=_mapped(spec, alert.labels, "components"),
            regions=_mapped(spec, alert.labels, "regions"),
            origin=ORIGIN.get(),
        )
        window = self.maintenance.covering(alert.labels, spec.match, now)
        if window is not None:
            state.status, state.maintenance_id = Status.SUPPRESSED, window.spec.id
        elif audience.size == 0:
            state.status = Status.NO_AUDIENCE
        self.tracker.add(state)
        log.info(
            "customer_audience",
            incident=incident.id,
            rule=alert.rule,
            status=str(state.status),
            customers=audience.size,
            by_segment=audience.as_json()["bySegment"],
            release_at=state.release_at,
        )
        self._refresh_gauges()
        return state

    def _on_resolved(self, incident_id: str, now: float) -> None:
        """Only marks the state: the next tick sends resolutions, so paging never waits."""
        state = self.tracker.get(incident_id)
        if state is None or state.resolved_at is not None:
            return
        state.resolved_at = now
        if state.status in WAITING:
            state.status = Status.CLOSED  # over before customers needed to know
        self._refresh_gauges()

    # -- clock ---------------------------------------------------------------------

    async def tick(self, now: float | None = None) -> None:
        """Release due notices, chase overdue updates, flush digests, run maintenance."""
        if not self.config.enabled:
            return
        now = self.now() if now is None else now
        for state in self.tracker.all():
            if state.status is Status.WAITING and now >= state.release_at:
                await self._publish(state, now, approved=False)
            elif state.status is Status.PUBLISHED and state.resolved_at is not None:
                await self._resolve_published(state, now)
            elif state.status is Status.PUBLISHED:
                await self._chase_update(state, now)
        for customer_id, items in self.outbox.due(now):
            await self._deliver(customer_id, items, now)
        for note in await self._sender.release_deferred(self.directory, now):
            self.metrics.notices.labels(note.channel, "deferred").inc()
        if self.leader():
            await self._maintenance_notices(now)
        self.tracker.prune()
        for incident_id in [i for i in self._alerts if self._finished(i)]:
            del self._alerts[incident_id]

    def _finished(self, incident_id: str) -> bool:
        state = self.tracker.get(incident_id)
        return state is None or state.resolved_at is not None or state.status in DONE

    async def _publish(
        self, state: NoticeState, now: float, approved: bool, stage: Stage = Stage.INVESTIGATING
    ) -> None:
        spec = self._specs.get(state.rule)
        if spec is not None:
            state.audience = self._resolve(spec, state.labels)
        limit = self.config.approval_above
        if not approved and limit is not None and state.audience.size > limit:
            if state.status is not Status.AWAITING_APPROVAL:
                log.warning(
                    "customer_notice_needs_approval",
                    incident=state.incident_id,
                    customers=state.audience.size,
                    limit=limit,
                )
            state.status = Status.AWAITING_APPROVAL
            self._refresh_gauges()
            return
        if state.audience.size == 0:
            state.status = Status.NO_AUDIENCE
            self._refresh_gauges()
            return
        state.status, state.published_at = Status.PUBLISHED, now
        state.next_update_at = state.next_update_at or now + self.config.update_interval
        log.info(
            "customer_notice_published",
            incident=state.incident_id,
            customers=state.audience.size,
            by_segment=state.audience.as_json()["bySegment"],
        )
        await self._offer_all(state, state.next_item(now, stage=stage), now)
        self._refresh_gauges()

    async def _chase_update(self, state: NoticeState, now: float) -> None:
        due = state.next_update_at
        if due is None or now < due:
            return
        if state.paged_for != due:
            state.paged_for = due
            self.metrics.overdue.inc()
            await self._page_owner(state, due)
        if now >= due + self.config.holding_after:
            state.next_update_at = now + self.config.update_interval
            item = state.next_item(now, holding=True)
            log.info("customer_holding_update", incident=state.incident_id)
            await self._offer_all(state, item, now)

    async def _page_owner(self, state: NoticeState, due: float) -> None:
        alert = self._alerts.get(state.incident_id) or self.alert_of(state.fingerprint)
        log.warning("customer_update_overdue", incident=state.incident_id, due=due)
        if self._pager is None or alert is None:
            return
        summary = (
            f"Customer update overdue for incident {state.incident_id} ({state.rule}): "
            f"{len(state.notified)} customers were promised an update. Post one with "
            f"POST /api/v1/incidents/{state.incident_id}/update"
        )
        await self._pager.page(alert, summary, f"{state.incident_id}/overdue/{due!r}")

    # -- on-call actions -------------------------------------------------------------

    def state(self, incident_id: str) -> NoticeState:
        state = self.tracker.get(incident_id)
        if state is None:
            raise NoticeError(f"no customer notice for incident {incident_id!r}", 404)
        return state

    def _waiting(self, incident_id: str, action: str) -> NoticeState:
        state = self.state(incident_id)
        if state.status not in WAITING:
            raise NoticeError(f"cannot {action}: customer notice is {state.status}")
        return state

    def hold(self, incident_id: str) -> NoticeState:
        state = self._waiting(incident_id, "hold")
        state.status = Status.HELD
        self._refresh_gauges()
        return state

    async def release(self, incident_id: str) -> NoticeState:
        """Send now (also approves a notice waiting because its audience is large)."""
        state = self._waiting(incident_id, "release")
        await self._publish(state, self.now(), approved=True)
        return state

    def cancel(self, incident_id: str) -> NoticeState:
        state = self._waiting(incident_id, "cancel")
        state.status = Status.CANCELLED
        self._refresh_gauges()
        return state

    async def update(self, incident_id: str, update: Mapping[str, Any]) -> NoticeState:
        """On-call's update: text, stage, eta, workaround, impact, next update time.

        While the notice still waits, an update without a stage is stored for the first
        notice; one with a stage publishes at that stage (on-call acted: counts as
        approval), and ``resolved`` closes it without telling anyone.
        """
        state = self.state(incident_id)
        if state.status not in WAITING and state.status is not Status.PUBLISHED:
            raise NoticeError(f"cannot update: customer notice is {state.status}")
        now = self.now()
        stage = Stage(update["stage"]) if update.get("stage") else None
        self._apply_fields(state, update, now)
        if state.status in WAITING:
            if stage is Stage.RESOLVED:
                state.status, state.resolved_at = Status.CLOSED, now
                self._refresh_gauges()
            elif stage is not None:
                await self._publish(state, now, approved=True, stage=stage)
            return state
        if stage is Stage.RESOLVED:
            state.resolved_at = state.resolved_at or now
            await self._resolve_published(state, now)
        else:
            await self._offer_all(state, state.next_item(now, stage=stage), now)
        return state

    def _apply_fields(self, state: NoticeState, update: Mapping[str, Any], now: float) -> None:
        for key in ("text", "workaround", "impact"):
            if update.get(key) is not None:
                setattr(state, key, str(update[key]))
        if update.get("eta") is not None:
            state.eta = float(update["eta"])
        promised = update.get("next_update_at")
        state.next_update_at = float(promised) if promised else now + self.config.update_interval

    # -- delivery ------------------------------------------------------------------

    async def _resolve_published(self, state: NoticeState, now: float) -> None:
        item = state.next_item(now, stage=Stage.RESOLVED)
        state.status = Status.CLOSED
        for customer_id in sorted(state.notified - state.resolution_sent):
            state.resolution_sent.add(customer_id)
            await self._offer(customer_id, item, now)

    async def _offer_all(self, state: NoticeState, item: NoticeItem, now: float) -> None:
        for customer_id in state.audience.ids():
            state.notified.add(customer_id)
            await self._offer(customer_id, item, now)

    async def _offer(self, customer_id: str, item: NoticeItem, now: float) -> None:
        ready = self.outbox.offer(customer_id, item, now)
        if ready:
            await self._deliver(customer_id, ready, now)
        else:
            self.metrics.digested.inc()

    async def _deliver(self, customer_id: str, items: Sequence[NoticeItem], now: float) -> None:
        customer = self.directory.get(customer_id)
        if customer is None or not items:
            return
        channels = self._channels_for(items)
        for note in await self._sender.send(customer, items, now, channels):
            stage = items[0].stage if len(items) == 1 else "digest"
            self.metrics.notices.labels(note.channel, stage).inc()

    def _channels_for(self, items: Sequence[NoticeItem]) -> list[str]:
        wanted: list[str] = []
        for item in items:
            spec = self._specs.get(self._rule_of(item))
            for channel in spec.channels if spec else ("email", "webhook"):
                if channel not in wanted:
                    wanted.append(channel)
        return wanted

    def _rule_of(self, item: NoticeItem) -> str:
        state = self.tracker.get(item.source_id) if item.kind == "incident" else None
        return state.rule if state else ""

    async def _maintenance_notices(self, now: float) -> None:
        for window, phase in self.maintenance.due(now):
            item = window.item(phase, now)
            customers = [c for c in self.directory.all() if window.affects(c, self.directory)]
            log.info(
                "maintenance_notice",
                window=window.spec.id,
                phase=str(phase),
                customers=len(customers),
            )
            for customer in customers:
                await self._deliver(customer.id, [item], now)

    # -- helpers -------------------------------------------------------------------

    def _resolve(self, spec: AudienceSpec, labels: Mapping[str, str]) -> Audience:
        try:
            return resolve(spec, labels, self.directory)
        except UnknownSegment as exc:
            log.warning("customer_audience_unknown_segment", error=str(exc))
            return Audience(())

    def _render(self, source: str | None, context: Mapping[str, Any]) -> str:
        return self._templates.render(source, context).strip() if source else ""

    def _refresh_gauges(self) -> None:
        open_states = [
            s for s in self.tracker.all() if s.status in WAITING or s.status is Status.PUBLISHED
        ]
        self.metrics.set_audience(s.audience.sizes for s in open_states)
        self.metrics.awaiting_approval.set(
            sum(s.status is Status.AWAITING_APPROVAL for s in open_states)
        )
        self.metrics.held.set(sum(s.status in (Status.WAITING, Status.HELD) for s in open_states))


def _mapped(spec: AudienceSpec, labels: Mapping[str, str], field_name: str) -> tuple[str, ...]:
    for key, label in spec.match.items():
        if key in (field_name, field_name.rstrip("s")) and labels.get(label):
            return (labels[label],)
    return ()
