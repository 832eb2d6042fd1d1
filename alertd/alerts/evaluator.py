"""The deterministic core that ``alertd run`` and ``alertd backtest`` both drive.

The event-time clock only moves forward. Before an event is applied, the clock
advances to the event's time, so timers due before it fire first, exactly as they
would have if the events had been evaluated one by one in real time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from alertd.alerts.lifecycle import Lifecycle
from alertd.alerts.model import Transition
from alertd.config.rules import RuleSpec
from alertd.detect.engine import Engine, Observation
from alertd.detect.rule import compile_rule
from alertd.ingest.event import Event


class Evaluator:
    def __init__(self, rules: Iterable[RuleSpec]) -> None:
        self.engine = Engine(compile_rule(spec) for spec in rules)
        self.lifecycle = Lifecycle()
        self.watermark = -math.inf

    def process(self, event: Event) -> list[Transition]:
        transitions = self.advance(event.time)
        transitions.extend(self._apply(self.engine.process(event)))
        return transitions

    def advance(self, now: float) -> list[Transition]:
        """Move event time to ``now`` (never backwards) and run what became due."""
        if now <= self.watermark:
            return []
        self.watermark = now
        transitions = self.lifecycle.advance(now)
        transitions.extend(self._apply(self.engine.tick(now)))
        return transitions

    def _apply(self, observations: list[Observation]) -> list[Transition]:
        out = []
        for obs in observations:
            transition = self.lifecycle.observe(obs)
            if transition is not None:
                out.append(transition)
        return out
