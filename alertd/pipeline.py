"""Events to notifications: evaluate per partition, update alerts, route, queue.

The pipeline is the glue between the stages; each stage does its own job:
``Evaluator`` (detect + lifecycle) -> ``AlertStore`` -> ``Route`` -> ``Dispatcher``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import structlog

from alertd.alerts.evaluator import Evaluator
from alertd.alerts.incidents import IncidentStore
from alertd.alerts.model import AlertState, Transition
from alertd.alerts.store import AlertStore
from alertd.config.reload import rebase_evaluator
from alertd.config.rules import RuleSpec
from alertd.ingest.event import Event
from alertd.notices.hook import NoticeHook
from alertd.notify.dispatcher import Dispatcher
from alertd.observe.listener import PipelineListener
from alertd.observe.metrics import Metrics
from alertd.route.paging import Paging, PagingOptions
from alertd.route.tree import Route
from alertd.state.origin import ORIGIN

if TYPE_CHECKING:
    from alertd.state.partitions import PartitionState

log = structlog.get_logger(__name__)

NOTIFYING = frozenset({AlertState.FIRING, AlertState.RESOLVED})


class Pipeline:
    def __init__(
        self,
        rules: Sequence[RuleSpec],
        store: AlertStore,
        route: Route,
        dispatcher: Dispatcher,
        metrics: Metrics,
        listener: PipelineListener | None = None,
        paging: PagingOptions | None = None,
    ) -> None:
        self._rules = rules
        self._store = store
        self.incidents = IncidentStore()
        self.paging = Paging(route, dispatcher, self.incidents, metrics, paging)
        self.notices: NoticeHook | None = None
        """Customer notices (alertd/notices); set by the daemon."""
        self._route = route
        self._dispatcher = dispatcher
        self._metrics = metrics
        self._listener = listener or PipelineListener()
        kind = type(self._listener)
        self._watching = (
            kind.event is not PipelineListener.event
            or kind.consumed is not PipelineListener.consumed
        )
        self._evaluators: dict[tuple[str, int], Evaluator] = {}
        self._last_event_wall: dict[tuple[str, int], float] = {}
        self.state: PartitionState | None = None
        """Changelog persistence (alertd/state); set by the daemon, None in tests/backtest."""

    async def handle(
        self, topic: str, partition: int, events: Sequence[Event], received_at: float
    ) -> None:
        evaluator = self._evaluator(topic, partition)
        self._last_event_wall[(topic, partition)] = received_at
        token = ORIGIN.set((topic, partition))
        if self.state is not None:
            self.state.handling((topic, partition))
        try:
            # The evaluator never waits on what follows a transition, so one batch is
            # evaluated in one go. The listener still sees each event before the
            # transitions it made, as if they had been handled one by one.
            watched = 0
            for index, transition in evaluator.process_batch(events):
                if index >= watched:
                    self._watch(topic, events[watched : index + 1])
                    watched = index + 1
                await self._on_transition(transition, received_at)
            self._watch(topic, events[watched:] if watched else events)
        finally:
            ORIGIN.reset(token)

    def _watch(self, topic: str, events: Sequence[Event]) -> None:
        if events and self._watching:
            self._listener.consumed(topic, events)

    async def tick(self, now: float, idle_lag: float, series_ttl: float = 0.0) -> None:
        """Advance event time on quiet partitions so timers fire without new events."""
        if series_ttl > 0:
            self._expire(series_ttl)
        for key, evaluator in list(self._evaluators.items()):
            if now - self._last_event_wall.get(key, 0.0) < idle_lag:
                continue
            if evaluator.watermark == -math.inf:
                # No event and no restored clock yet: the wall clock says nothing about
                # this partition's event time (a replay of older events may be coming).
                continue
            if self.state is not None and not self.state.owns(key):
                continue  # revoked: its new owner runs its clock
            token = ORIGIN.set(key)
            try:
                for transition in evaluator.advance(now - idle_lag):
                    await self._on_transition(transition, now)
            finally:
                ORIGIN.reset(token)
        engines = [e.engine for e in self._evaluators.values()]
        self._metrics.series.set(sum(engine.series_count for engine in engines))
        self._metrics.detector_errors.inc(sum(engine.take_errors() for engine in engines))
        await self.paging.tick(now)
        if self.state is not None:
            await self.state.after_tick()

    def _expire(self, ttl: float) -> None:
        for key, evaluator in self._evaluators.items():
            if self.state is not None and not self.state.owns(key):
                continue
            dropped = evaluator.engine.expire_idle(evaluator.watermark, ttl)
            if dropped:
                self._metrics.series_expired.inc(dropped)

    def replace_rules(self, rules: Sequence[RuleSpec], route: Route) -> None:
        """Config reload: new rules and routing tree; unchanged rules keep their series."""
        before = self.state.state_keys() if self.state is not None else {}
        for evaluator in self._evaluators.values():
            rebase_evaluator(evaluator, rules)
        if self.state is not None:
            self.state.rules_replaced(before)  # the changelog forgets dropped state too
        self._rules, self._route = rules, route
        self.paging.route = route

    def evaluator_if_any(self, topic: str, partition: int) -> Evaluator | None:
        return self._evaluators.get((topic, partition))

    def fresh_evaluator(self, topic: str, partition: int) -> Evaluator:
        """A new, empty evaluator for a partition about to be restored."""
        evaluator = self._evaluators[(topic, partition)] = Evaluator(self._rules)
        return evaluator

    def drop_evaluator(self, topic: str, partition: int) -> None:
        """The partition moved to another process."""
        self._evaluators.pop((topic, partition), None)
        self._last_event_wall.pop((topic, partition), None)

    def _evaluator(self, topic: str, partition: int) -> Evaluator:
        key = (topic, partition)
        evaluator = self._evaluators.get(key)
        if evaluator is None:
            evaluator = self._evaluators[key] = Evaluator(self._rules)
        return evaluator

    async def _on_transition(self, transition: Transition, observed_at: float) -> None:
        self._metrics.transitions.labels(str(transition.state)).inc()
        log.info(
            "alert_transition",
            rule=transition.rule,
            state=str(transition.state),
            labels=dict(transition.labels),
            at=transition.at,
        )
        self._listener.transition(transition)
        alert = self._store.apply(transition)
        if self.state is not None:
            self.state.alert_changed(alert)
        incident = self.incidents.apply(alert, transition.at)
        for state, count in self._store.count_by_state().items():
            self._metrics.alerts.labels(str(state)).set(count)
        if transition.state not in NOTIFYING:
            return
        if transition.flapping:
            # Held: on-call already has the earlier pages; a page per flip is noise.
            self._metrics.pages_suppressed.labels("flapping").inc()
            return
        if self.notices is not None:
            alert = await self.notices.on_alert(alert, incident, observed_at)
        await self.paging.on_alert(alert, observed_at)
