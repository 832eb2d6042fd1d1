"""all_of / any_of: correlated symptoms, from the verdicts of other rules.

```yaml
- name: eu_checkout_degraded
  group_by: [region]
  detect: {all_of: {rules: [checkout_latency, checkout_errors], within: 5m}}
```
fires for a region while both member rules have an active series in that region
(member series are mapped to this rule's groups by the ``group_by`` labels they share;
each ``group_by`` label must be one of every member's). A member's last verdict counts
for ``within`` of event time; after that it is stale and counts as inactive.

Members are evaluated in the same engine, so their events must share a Kafka partition
(key events by the labels you correlate on). The composite has its own ``for``,
``labels`` and ``annotations``; ``match`` is not used.
"""

from __future__ import annotations

from pydantic import Field

from alertd.config.durations import Duration
from alertd.detect.detectors.base import (
    DetectorParams,
    DetectorType,
    LastSeen,
    Verdict,
    register,
)

_SEP = "\x1f"


class CompositeParams(DetectorParams):
    rules: list[str] = Field(min_length=1)
    within: Duration = 300.0


class CompositeSeries(LastSeen):
    __slots__ = ("_active", "_all", "_members", "_rules", "_within")

    def __init__(self, params: CompositeParams, require_all: bool) -> None:
        self._rules = tuple(dict.fromkeys(params.rules))
        self._within = params.within
        self._all = require_all
        self._members: dict[str, tuple[bool, float]] = {}
        """member series id -> (active, event time of its last verdict)."""
        self._active = False

    def observe(self, t: float, value: float | None) -> Verdict | None:
        return None

    def observe_stream(self, stream: str, t: float, value: float | None) -> Verdict | None:
        previous = self._members.get(stream)
        if previous is not None and previous[1] > t:
            return None  # a late verdict must not overwrite a newer one
        if value:
            self._members[stream] = (True, t)
        else:
            self._members.pop(stream, None)
        return self._judge(t)

    def tick(self, now: float) -> Verdict | None:
        while (due := self.next_due()) is not None and due <= now:
            before = self._active
            verdict = self._judge(due)
            if verdict.active != before:
                return verdict
        return None

    def next_due(self) -> float | None:
        if not self._members:
            return None
        return min(t for _, t in self._members.values()) + self._within

    def _judge(self, now: float) -> Verdict:
        for member in [m for m, (_, t) in self._members.items() if t + self._within <= now]:
            del self._members[member]
        live = {m.split(_SEP, 1)[0] for m in self._members}
        hits = [r for r in self._rules if r in live]
        active = len(hits) == len(self._rules) if self._all else bool(hits)
        changed = active != self._active
        self._active = active
        context = {
            "matched_rules": hits,
            "missing_rules": [r for r in self._rules if r not in live],
        }
        return Verdict(active, float(len(hits)), context, at=now if changed else None)


for _name, _all in (("all_of", True), ("any_of", False)):
    register(
        DetectorType(
            name=_name,
            params=CompositeParams,
            build=(lambda a: lambda p: lambda: CompositeSeries(p, a))(_all),
            clock_driven=True,
            members=lambda p: tuple(p.rules),
            doc=f"{'All' if _all else 'Any'} of the listed rules active in the same group.",
        )
    )
