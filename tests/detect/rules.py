"""Rule specs for engine tests, written as SREs write them."""

from __future__ import annotations

from typing import Any

import yaml

from alertd.config.rules import RuleSpec
from alertd.ingest.event import Event


def rules(text: str) -> list[RuleSpec]:
    return [RuleSpec.model_validate(r) for r in yaml.safe_load(text)["rules"]]


def event(t: float, name: str, value: float | None = None, **labels: Any) -> Event:
    return Event(time=t, kind="metric", name=name, value=value, labels=labels)
