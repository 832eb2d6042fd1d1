"""Segments: named groups of customers chosen by matching their fields.

``enterprise-eu: {plan: enterprise, regions: "eu-*"}`` selects customers on the
enterprise plan with at least one region matching ``eu-*``. Patterns use the same
syntax as label matchers (exact, glob, ``~regex``, ``!`` to negate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator

from alertd.customers.model import Customer, canonical_field
from alertd.matching import Matcher, compile_matcher


@dataclass(frozen=True, slots=True)
class Segment:
    name: str
    matchers: tuple[Matcher, ...]

    @classmethod
    def build(cls, name: str, spec: Mapping[str, str]) -> Segment:
        return cls(
            name,
            tuple(compile_matcher(canonical_field(k), str(v)) for k, v in sorted(spec.items())),
        )

    def matches(self, customer: Customer) -> bool:
        return all(_field_matches(m, customer) for m in self.matchers)


def _field_matches(matcher: Matcher, customer: Customer) -> bool:
    values = customer.field_values(matcher.name) or [""]
    if matcher.negate:  # "!eu-*": no value may match
        return all(matcher.matches({matcher.name: v}) for v in values)
    return any(matcher.matches({matcher.name: v}) for v in values)


def validate_segment_spec(spec: Mapping[str, str]) -> Mapping[str, str]:
    """pydantic helper: fail on unknown fields or bad patterns at load time."""
    for key, pattern in spec.items():
        compile_matcher(canonical_field(key), str(pattern))
    return spec


def _validate_segments(segments: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    for spec in segments.values():
        validate_segment_spec(spec)
    return segments


SegmentSpecs = Annotated[dict[str, dict[str, str]], AfterValidator(_validate_segments)]
"""Segment name -> customer field -> pattern, checked when the config or file loads."""
