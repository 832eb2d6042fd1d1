"""Rule files: the YAML SREs edit, validated key by key."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from alertd.config.durations import Duration
from alertd.customers.spec import AudienceSpec
from alertd.matching import compile_matcher

Severity = Literal["critical", "warning", "info"]
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_:.-]*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventMatch(Strict):
    """Which events feed a rule."""

    kind: Literal["metric", "log", "check", "change", "ticket", "customer"] | None = None
    name: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)

    @field_validator("labels")
    @classmethod
    def _patterns_compile(cls, labels: dict[str, str]) -> dict[str, str]:
        for key, pattern in labels.items():
            compile_matcher(key, pattern)
        return labels


class RuleSpec(Strict):
    name: str
    match: EventMatch = Field(default_factory=EventMatch)
    """Which events feed the rule; required except for all_of / any_of (fed by rules)."""
    group_by: list[str] = Field(default_factory=list)
    detect: dict[str, Any]
    for_: Duration = Field(default=0.0, alias="for")
    keep_firing_for: Duration = 0.0
    severity: Severity = "warning"
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    customers: AudienceSpec | None = None
    """Which customers an alert affects (customer notices); see docs/customer-notices.md."""

    @field_validator("name")
    @classmethod
    def _valid_name(cls, name: str) -> str:
        if not _NAME.match(name):
            raise ValueError(
                f"rule name {name!r} must start with a letter or _ and use only "
                "letters, digits, _ : . -"
            )
        return name

    @field_validator("detect")
    @classmethod
    def _one_detector(cls, detect: dict[str, Any]) -> dict[str, Any]:
        if len(detect) != 1:
            raise ValueError(
                f"'detect' takes exactly one detector, got {len(detect)} "
                f"({', '.join(map(str, detect)) or 'none'})"
            )
        return detect

    @property
    def detector_name(self) -> str:
        return next(iter(self.detect))


class RuleFile(Strict):
    rules: list[RuleSpec] = Field(default_factory=list)
