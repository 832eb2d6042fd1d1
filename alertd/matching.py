"""Label matchers shared by rules, routes, inhibitions and silences.

A value is matched exactly, as a glob when it contains ``*``, ``?`` or ``[``, or as a
regular expression when it starts with ``~`` (``~^eu-``). A leading ``!`` negates any
of these. Regexes are anchored like Prometheus' ``=~``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Matcher:
    """One ``label: pattern`` condition."""

    name: str
    pattern: str
    negate: bool
    exact: str | None
    regex: re.Pattern[str] | None

    def matches(self, labels: Mapping[str, str]) -> bool:
        value = labels.get(self.name, "")
        if self.exact is not None:
            hit = value == self.exact
        else:
            assert self.regex is not None
            hit = self.regex.fullmatch(value) is not None
        return hit != self.negate


def compile_matcher(name: str, pattern: str) -> Matcher:
    """Build a matcher; raises ValueError with a readable reason for a bad regex."""
    text = str(pattern)
    negate = text.startswith("!")
    if negate:
        text = text[1:]
    if text.startswith("~"):
        try:
            regex = re.compile(text[1:])
        except re.error as exc:
            raise ValueError(f"invalid regex {text[1:]!r} for label {name!r}: {exc}") from exc
        return Matcher(name, str(pattern), negate, None, regex)
    if _GLOB_CHARS & set(text):
        return Matcher(name, str(pattern), negate, None, re.compile(fnmatch.translate(text)))
    return Matcher(name, str(pattern), negate, text, None)


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """All matchers must hold (logical AND)."""

    matchers: tuple[Matcher, ...]

    @classmethod
    def from_mapping(cls, spec: Mapping[str, str]) -> LabelSelector:
        return cls(tuple(compile_matcher(k, v) for k, v in sorted(spec.items())))

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(m.matches(labels) for m in self.matchers)

    def exact_values(self) -> dict[str, str]:
        """Labels that must equal one value: used to index rules."""
        return {m.name: m.exact for m in self.matchers if m.exact is not None and not m.negate}
