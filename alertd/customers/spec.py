"""A rule's ``customers:`` block: which customers an alert of this rule affects.

```yaml
customers:
  match: {regions: region, components: service}   # customer field: alert label
  segments: [enterprise-eu]                        # optional: only these segments
  impact: "Payments in {{ labels.region }} may fail"
  workaround: "Retry after a minute, or pay by invoice"
```
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from alertd.customers.model import canonical_field

CustomerChannel = Literal["email", "webhook"]
ALL_CHANNELS: tuple[CustomerChannel, ...] = ("email", "webhook")


class AudienceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    match: dict[str, str] = Field(min_length=1)
    segments: list[str] = Field(default_factory=list)
    title: str | None = None
    """Headline customers see (template); default "Service disruption"."""
    impact: str | None = None
    workaround: str | None = None
    channels: list[CustomerChannel] = Field(default_factory=lambda: list(ALL_CHANNELS))

    @field_validator("match")
    @classmethod
    def _known_fields(cls, match: dict[str, str]) -> dict[str, str]:
        for name in match:
            canonical_field(name)
        return match
