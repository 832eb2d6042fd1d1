"""The ``customers:`` section of alertd.yml."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from alertd.customers.segments import SegmentSpecs


class CustomersConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str | None = None
    """YAML (``customers:`` list, optional ``segments:``) or CSV, relative to alertd.yml."""
    topic: str | None = None
    """Compacted Kafka topic of ``kind: customer`` events; latest per customer id wins."""
    segments: SegmentSpecs = Field(default_factory=dict)
    """Segment name -> customer field -> pattern, e.g. ``{plan: enterprise, regions: eu-*}``."""
