"""Escalation: a page nobody acknowledged goes to the next level.

A policy is a list of levels (``after``, ``receiver``). ``after`` counts from the
previous page: the route's own page for the first level, the previous level after
that. With ``repeat: N`` the levels run N more times. An ack or the incident's
resolve stops the escalation; nothing else does (a silence mutes pages but an
unacknowledged incident is still unacknowledged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from alertd.config.paging import EscalationPolicyConfig


@dataclass(frozen=True, slots=True)
class EscalationLevel:
    after: float
    receiver: str


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    name: str
    levels: tuple[EscalationLevel, ...]
    repeat: int = 0

    @classmethod
    def build(cls, config: EscalationPolicyConfig) -> EscalationPolicy:
        levels = tuple(EscalationLevel(lv.after, lv.receiver) for lv in config.levels)
        return cls(config.name, levels, config.repeat)

    @property
    def steps(self) -> int:
        return len(self.levels) * (self.repeat + 1)


@dataclass(frozen=True, slots=True)
class EscalationStep:
    """One page to send: ``step`` counts from 0 over all levels and repeats."""

    incident_id: str
    policy: EscalationPolicy
    step: int

    @property
    def level(self) -> int:
        return self.step % len(self.policy.levels)

    @property
    def cycle(self) -> int:
        return self.step // len(self.policy.levels)

    @property
    def receiver(self) -> str:
        return self.policy.levels[self.level].receiver


@dataclass(slots=True)
class _Tracked:
    policy: EscalationPolicy
    step: int
    due_at: float


class Escalations:
    """Incidents waiting for an ack, and when each escalates next."""

    def __init__(self) -> None:
        self._tracked: dict[str, _Tracked] = {}

    def start(self, incident_id: str, policy: EscalationPolicy, paged_at: float) -> None:
        """Begin after the first page; a second start for the same incident is ignored."""
        if incident_id not in self._tracked:
            self._tracked[incident_id] = _Tracked(policy, 0, paged_at + policy.levels[0].after)

    def stop(self, incident_id: str) -> None:
        self._tracked.pop(incident_id, None)

    def pending(self) -> list[str]:
        return sorted(self._tracked)

    def due(self, now: float, still_unacked: Callable[[str], bool]) -> Iterable[EscalationStep]:
        """Steps whose time came; drops incidents acked or resolved meanwhile."""
        for incident_id, tracked in list(self._tracked.items()):
            if not still_unacked(incident_id):
                self.stop(incident_id)
                continue
            if now < tracked.due_at:
                continue
            yield EscalationStep(incident_id, tracked.policy, tracked.step)
            tracked.step += 1
            if tracked.step >= tracked.policy.steps:
                self.stop(incident_id)
                continue
            level = tracked.policy.levels[tracked.step % len(tracked.policy.levels)]
            tracked.due_at = now + level.after
