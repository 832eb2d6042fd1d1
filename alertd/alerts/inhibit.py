"""Inhibition: a firing source alert mutes target alerts that share some labels.

Typical use: while ``datacenter_down`` fires for ``dc=eu1``, do not also page for
every service alert in ``dc=eu1``. Muted alerts stay visible; only pages stop. When
the source resolves, the next flush of the target's group pages as usual.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from alertd.config.paging import InhibitRuleConfig
from alertd.matching import LabelSelector


@dataclass(frozen=True, slots=True)
class InhibitRule:
    source: LabelSelector
    target: LabelSelector
    equal: tuple[str, ...]

    @classmethod
    def build(cls, config: InhibitRuleConfig) -> InhibitRule:
        return cls(
            LabelSelector.from_mapping(config.source_match),
            LabelSelector.from_mapping(config.target_match),
            tuple(config.equal),
        )

    def inhibits(self, source: Mapping[str, str], target: Mapping[str, str]) -> bool:
        return (
            self.target.matches(target)
            and self.source.matches(source)
            and all(source.get(k, "") == target.get(k, "") for k in self.equal)
        )


class Inhibitor:
    """Knows the firing alerts and answers "is this alert inhibited right now?"."""

    def __init__(self, rules: Sequence[InhibitRule]) -> None:
        self._rules = tuple(rules)
        self._firing: dict[str, Mapping[str, str]] = {}

    @classmethod
    def from_config(cls, configs: Iterable[InhibitRuleConfig]) -> Inhibitor:
        return cls([InhibitRule.build(c) for c in configs])

    def set_firing(self, fingerprint: str, labels: Mapping[str, str] | None) -> None:
        """Record a firing alert (labels) or its end (None)."""
        if labels is None:
            self._firing.pop(fingerprint, None)
        elif any(rule.source.matches(labels) for rule in self._rules):
            self._firing[fingerprint] = labels

    def carry_over(self, old: Inhibitor) -> None:
        """After a reload: keep knowing the sources that fire right now."""
        for fingerprint, labels in old._firing.items():
            self.set_firing(fingerprint, labels)

    def inhibited_by(self, fingerprint: str, labels: Mapping[str, str]) -> str | None:
        """Fingerprint of a firing alert that inhibits this one, if any."""
        for source_fp, source in self._firing.items():
            if source_fp == fingerprint:
                continue
            if any(rule.inhibits(source, labels) for rule in self._rules):
                return source_fp
        return None
