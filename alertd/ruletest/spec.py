"""The YAML format of rule test files (validated like config: PATH:LINE errors).

```yaml
rule_files: [../examples-threshold.yml]   # relative to this file
interval: 1m                               # default step of input series
tests:
  - name: errors page after two minutes
    input_series:
      - series: 'http_error_ratio{service="checkout", region="eu"}'
        values: "0.01 0.09x4 0.01"
    alerts:
      - at: 3m
        rule: checkout_errors
        expected:
          - labels: {service: checkout, region: eu}
            annotations: {summary: "Checkout errors at 0.09 in eu"}
```
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from alertd.config.durations import Duration
from alertd.ingest.event import MAX_TIME, MIN_TIME
from alertd.ruletest.notation import expand

_SERIES = re.compile(r"^\s*([A-Za-z_][\w:.\-]*)?\s*(?:\{(.*)\})?\s*$")
_LABEL = re.compile(r'\s*([A-Za-z_]\w*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)')


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_series(text: str) -> tuple[str, dict[str, str]]:
    """``name{label="value", ...}`` -> (name, labels)."""
    match = _SERIES.match(text)
    if not match or not match.group(1):
        raise ValueError(f'series {text!r} must look like name{{label="value", ...}}')
    labels: dict[str, str] = {}
    body = match.group(2) or ""
    pos = 0
    while pos < len(body.strip()):
        item = _LABEL.match(body, pos)
        if not item:
            raise ValueError(f'cannot read labels in {text!r}: write label="value" pairs')
        labels[item.group(1)] = item.group(2).replace('\\"', '"')
        pos = item.end()
    return match.group(1), labels


class InputSeries(_Strict):
    series: str
    values: str | float
    kind: Literal["metric", "log", "check", "change", "ticket", "customer"] = "metric"
    interval: Duration | None = None
    """Step of this series; defaults to the test's interval."""

    @field_validator("series")
    @classmethod
    def _series_parses(cls, text: str) -> str:
        parse_series(text)
        return text

    @field_validator("values")
    @classmethod
    def _values_parse(cls, text: str | float) -> str | float:
        expand(text)
        return text


class ExpectedAlert(_Strict):
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    state: Literal["pending", "firing"] = "firing"


class AlertCheck(_Strict):
    at: Duration
    rule: str
    expected: list[ExpectedAlert] = Field(default_factory=list)
    """Every alert of ``rule`` in ``state`` at ``at``; empty means none."""


class RuleTest(_Strict):
    name: str = ""
    interval: Duration | None = None
    input_series: list[InputSeries] = Field(default_factory=list)
    alerts: list[AlertCheck] = Field(default_factory=list)


class RuleTestFile(_Strict):
    rule_files: list[str] = Field(min_length=1)
    interval: Duration = 60.0
    start: float = Field(1_767_225_600.0, ge=MIN_TIME, le=MAX_TIME)
    """Event time of step 0 (epoch seconds); default 2026-01-01T00:00:00Z."""
    tests: list[RuleTest] = Field(default_factory=list)
