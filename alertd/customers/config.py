"""The ``customers:`` section of alertd.yml."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from alertd.customers.segments import validate_segment_spec


class CustomersConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str | None = None
    """YAML (``customers:`` list, optional ``segments:``) or CSV, relative to alertd.yml."""
    topic: str | None = None
    """Compacted Kafka topic of ``kind: customer`` events; latest per customer id wins."""
    segments: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Segment name -> customer field -> pattern, e.g. ``{plan: enterprise, regions: eu-*}``."""

    @field_validator("segments")
    @classmethod
    def _segments_compile(cls, segments: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for spec in segments.values():
            validate_segment_spec(spec)
        return segments
