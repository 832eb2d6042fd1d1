"""A customer as notices see it: where they run, what they use, how to reach them."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contacts(_Strict):
    """Addresses per channel; an empty list means the channel is not used."""

    email: list[str] = Field(default_factory=list)
    webhook: list[str] = Field(default_factory=list)


class QuietHours(_Strict):
    """``22:00``-``07:00`` in the customer's time zone; may wrap past midnight."""

    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise ValueError(f"expected HH:MM, got {value!r}")
        return value

    def contains(self, local: time) -> bool:
        start, end = _parse_clock(self.start), _parse_clock(self.end)
        if start <= end:
            return start <= local < end
        return local >= start or local < end


class Customer(_Strict):
    id: str = Field(min_length=1)
    name: str = ""
    plan: str = ""
    regions: list[str] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)
    locale: str = "en"
    timezone: str = "UTC"
    contacts: Contacts = Field(default_factory=Contacts)
    quiet_hours: QuietHours | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)"
            ) from None
        return value

    def field_values(self, name: str) -> list[str]:
        """Values of a matchable field as a list (``id``, ``plan``, ``regions``...)."""
        value = getattr(self, FIELD_ALIASES.get(name, name), None)
        if value is None:
            return []
        if isinstance(value, list):
            return [str(v) for v in value]
        return [str(value)]

    def quiet_at(self, epoch: float) -> bool:
        if self.quiet_hours is None:
            return False
        local = datetime.fromtimestamp(epoch, ZoneInfo(self.timezone)).time()
        return self.quiet_hours.contains(local)

    def summary(self) -> dict[str, Any]:
        """What templates and the status feed may show (no contact addresses)."""
        return {
            "id": self.id,
            "name": self.name or self.id,
            "plan": self.plan,
            "regions": list(self.regions),
            "components": list(self.components),
            "locale": self.locale,
            "timezone": self.timezone,
        }


FIELD_ALIASES = {
    "region": "regions",
    "component": "components",
    "account": "id",
    "account_id": "id",
    "customer": "id",
}
"""Singular names read better in rules (``region: region``); they map to the list fields."""
MATCHABLE = frozenset({"id", "name", "plan", "regions", "components", "locale", "timezone"})


def canonical_field(name: str) -> str:
    """The Customer attribute behind a rule/segment key; ValueError for unknown ones."""
    field = FIELD_ALIASES.get(name, name)
    if field not in MATCHABLE:
        known = ", ".join(sorted(MATCHABLE | set(FIELD_ALIASES)))
        raise ValueError(f"unknown customer field {name!r}; known fields: {known}")
    return field


def _parse_clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
