"""The deterministic core that ``alertd run`` and ``alertd backtest`` both drive.

The event-time clock only moves forward. Before an event is applied, the clock
advances to the event's time, so timers due before it fire first, exactly as they
would have if the events had been evaluated one by one in real time. Verdicts that
clock-driven detectors stamp with an earlier instant (an ``absent`` that became true
between two events) are interleaved with the lifecycle timers in time order, so the
transitions do not depend on how often the clock is advanced.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace

from alertd.alerts.lifecycle import Lifecycle
from alertd.alerts.model import Transition
from alertd.config.rules import RuleSpec
from alertd.detect import quiet
from alertd.detect.engine import Engine, Observation
from alertd.detect.rule import compile_rule
from alertd.ingest.event import Event


class Evaluator:
    def __init__(
        self,
        rules: Iterable[RuleSpec],
        track_changes: bool = True,
        native_series: bool | None = None,
    ) -> None:
        """``track_changes``: record what changed for the state changelog (off for
        offline runs, which have none); ``native_series``: see :class:`Engine`."""
        self.engine = Engine((compile_rule(spec) for spec in rules), track_changes, native_series)
        self.lifecycle = Lifecycle(track_changes=track_changes)
        self.watermark = -math.inf

    def process(self, event: Event) -> list[Transition]:
        transitions = self.advance(event.time)
        # a late event is judged now: the lifecycle never steps back in time
        observations = [self._not_before(o, self.watermark) for o in self.engine.process(event)]
        transitions.extend(self._apply(observations))
        return transitions

    def process_batch(self, events: Sequence[Event]) -> list[tuple[int, Transition]]:
        """``process`` each event in turn; every transition with the index of the event
        that made it, in order.

        Runs of events that change nothing take the engine's quiet lane
        (alertd/detect/quiet.py), which only moves the clock while no timer is due;
        every other event takes ``process``.
        """
        out: list[tuple[int, Transition]] = []
        lane, tracked = self.engine.quiet, self.lifecycle.tracked
        i, count = 0, len(events)
        while i < count:
            i, self.watermark = quiet.run(
                lane, events, i, self.watermark, self._next_due(), tracked
            )
            if i < count:
                out.extend((i, transition) for transition in self.process(events[i]))
                i += 1
        return out

    def _next_due(self) -> float:
        return min(self.engine.next_due(), self.lifecycle.next_due())

    def advance(self, now: float) -> list[Transition]:
        """Move event time to ``now`` (never backwards) and run what became due."""
        if now <= self.watermark:
            return []
        previous, self.watermark = self.watermark, now
        transitions: list[Transition] = []
        for obs in self.engine.tick(now):
            obs = self._not_before(obs, previous)
            transitions.extend(self.lifecycle.advance(obs.at))
            transitions.extend(self._apply([obs]))
        transitions.extend(self.lifecycle.advance(now))
        return transitions

    @staticmethod
    def _not_before(obs: Observation, floor: float) -> Observation:
        return obs if obs.at >= floor else replace(obs, at=floor)

    def _apply(self, observations: list[Observation]) -> list[Transition]:
        out = []
        for obs in observations:
            transition = self.lifecycle.observe(obs)
            if transition is not None:
                out.append(transition)
        return out
