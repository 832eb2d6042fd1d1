"""The ``notices:`` section of alertd.yml (customer-facing messages)."""

from __future__ import annotations

import re

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from alertd.config.durations import Duration

_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class MaintenanceSpec(_Strict):
    """A planned window: customers using these components in these regions are told."""

    id: str
    start: AwareDatetime
    end: AwareDatetime
    title: str = Field(min_length=1)
    text: str = ""
    components: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    segments: list[str] = Field(default_factory=list)
    workaround: str | None = None

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("maintenance id must be 1-64 letters, digits, _ . -")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> MaintenanceSpec:
        if self.end <= self.start:
            raise ValueError("maintenance end must be after start")
        if not self.components and not self.regions and not self.segments:
            raise ValueError("maintenance needs components, regions or segments to pick customers")
        return self


class NoticesConfig(_Strict):
    enabled: bool = True
    confirm_after: Duration = 180.0
    """Customers hear about an alert only after it fired this long (on-call may release early)."""
    update_interval: Duration = 1800.0
    """Promised time to the next update when on-call gives none."""
    holding_after: Duration = 300.0
    """Overdue this long after paging the owner -> an automatic holding update goes out."""
    approval_above: int | None = Field(default=500, ge=0)
    """A notice to more customers than this waits for ``release`` (null: never)."""
    rate_limit: Duration = 600.0
    """Minimum gap between two notices to one customer; what comes between is one digest."""
    default_locale: str = "en"
    from_: str = Field(default="status@localhost", alias="from")
    public_url: str | None = None
    """Base URL of the public status page, linked from notices."""
    announce_before: list[Duration] = Field(default_factory=lambda: [259200.0, 86400.0, 3600.0])
    maintenance: list[MaintenanceSpec] = Field(default_factory=list)
    maintenance_topic: str = "alertd.maintenance"
    """Compacted Kafka topic of windows declared over HTTP; every process follows it."""

    @field_validator("maintenance")
    @classmethod
    def _unique_ids(cls, windows: list[MaintenanceSpec]) -> list[MaintenanceSpec]:
        ids = [w.id for w in windows]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate maintenance ids: {', '.join(dupes)}")
        return windows
