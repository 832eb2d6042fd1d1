"""A rule compiled for evaluation: fast event selection and a series factory."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass

from alertd.config.rules import EventMatch, RuleSpec
from alertd.detect.detectors import REGISTRY
from alertd.detect.detectors.base import RestRange, SeriesFactory
from alertd.ingest.event import Event
from alertd.matching import LabelSelector


@dataclass(frozen=True, slots=True)
class Selection:
    """A compiled ``match`` block: kind, name (exact or glob) and label matchers."""

    match: EventMatch
    selector: LabelSelector
    literal_name: bool = False
    """The name has no glob characters: compared with ``==`` instead of fnmatch."""

    @classmethod
    def of(cls, match: EventMatch) -> Selection:
        literal = match.name is not None and not (set("*?[") & set(match.name))
        return cls(match, LabelSelector.from_mapping(match.labels), literal)

    @property
    def exact_name(self) -> str | None:
        name = self.match.name
        return name if name is not None and not (set("*?[") & set(name)) else None

    def accepts(self, event: Event) -> bool:
        match = self.match
        if match.kind is not None and match.kind != event.kind:
            return False
        name = match.name
        if name is not None:
            if self.literal_name:
                if name != event.name:
                    return False
            elif not fnmatch.fnmatchcase(event.name, name):
                return False
        return self.selector.matches(event.labels)


@dataclass(frozen=True, slots=True)
class Stream:
    """One input of a rule: the rule's ``match`` and, for named streams, their own."""

    name: str | None
    """None for the rule's single main input; else e.g. ``numerator``."""
    selections: tuple[Selection, ...]

    @property
    def exact_name(self) -> str | None:
        names = [s.exact_name for s in self.selections if s.exact_name is not None]
        return names[-1] if names else None

    def accepts(self, event: Event) -> bool:
        return all(s.accepts(event) for s in self.selections)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    spec: RuleSpec
    selector: LabelSelector
    new_series: SeriesFactory
    clock_driven: bool
    streams: tuple[Stream, ...] = ()
    """Event inputs; empty for rules fed by other rules (all_of / any_of)."""
    members: tuple[str, ...] = ()
    """Rules whose verdicts feed this one."""
    rest_range: RestRange | None = None
    """Values that leave a series at rest as it is (see ``DetectorType.rest_range``)."""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def group_by(self) -> list[str]:
        return self.spec.group_by

    def accepts(self, event: Event) -> bool:
        return any(stream.accepts(event) for stream in self.streams)

    def group_labels(self, labels: Mapping[str, str]) -> tuple[str, ...]:
        return tuple([labels.get(name, "") for name in self.spec.group_by])


def compile_rule(spec: RuleSpec) -> CompiledRule:
    """Build a rule; the spec must already have passed ``alertd check``."""
    detector = REGISTRY[spec.detector_name]
    raw = spec.detect[spec.detector_name]
    params = detector.params.model_validate({} if raw is None else raw)
    main = Selection.of(spec.match)
    members = detector.members(params)
    named = detector.streams(params)
    if members:
        streams: tuple[Stream, ...] = ()
    elif named:
        streams = tuple(Stream(n, (main, Selection.of(m))) for n, m in named.items())
    else:
        streams = (Stream(None, (main,)),)
    return CompiledRule(
        spec=spec,
        selector=main.selector,
        new_series=detector.build(params),
        clock_driven=detector.clock_driven,
        streams=streams,
        members=members,
        rest_range=None if detector.rest_range is None else detector.rest_range(params),
    )
