"""A rule compiled for evaluation: fast event selection and a series factory."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass

from alertd.config.rules import RuleSpec
from alertd.detect.detectors import REGISTRY
from alertd.detect.detectors.base import SeriesFactory
from alertd.ingest.event import Event
from alertd.matching import LabelSelector


@dataclass(frozen=True, slots=True)
class CompiledRule:
    spec: RuleSpec
    selector: LabelSelector
    new_series: SeriesFactory
    clock_driven: bool

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def group_by(self) -> list[str]:
        return self.spec.group_by

    def accepts(self, event: Event) -> bool:
        match = self.spec.match
        if match.kind is not None and match.kind != event.kind:
            return False
        if match.name is not None and not fnmatch.fnmatchcase(event.name, match.name):
            return False
        return self.selector.matches(event.labels)

    def group_labels(self, labels: Mapping[str, str]) -> tuple[str, ...]:
        return tuple(labels.get(name, "") for name in self.spec.group_by)


def compile_rule(spec: RuleSpec) -> CompiledRule:
    """Build a rule; the spec must already have passed ``alertd check``."""
    detector = REGISTRY[spec.detector_name]
    raw = spec.detect[spec.detector_name]
    params = detector.params.model_validate({} if raw is None else raw)
    return CompiledRule(
        spec=spec,
        selector=LabelSelector.from_mapping(spec.match.labels),
        new_series=detector.build(params),
        clock_driven=detector.clock_driven,
    )
