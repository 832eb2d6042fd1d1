"""Configuration models for paging: channels, inhibition, time intervals, escalation.

They live apart from ``alertd.config.schema`` so the main schema only gains a few
fields, and they import nothing from the runtime (no cycles).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from alertd.config.durations import Duration
from alertd.matching import compile_matcher


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def check_patterns(match: dict[str, str]) -> dict[str, str]:
    """Fail at load time on a bad regex instead of at the first alert."""
    for key, pattern in match.items():
        compile_matcher(key, pattern)
    return match


class HttpChannelConfig(_Strict):
    timeout: Duration = 10.0
    """Per-request timeout; the dispatcher retries with backoff on top."""
    send_resolved: bool = True


class PagerDutyConfig(HttpChannelConfig):
    routing_key: SecretStr | None = None
    routing_key_env: str | None = None
    routing_key_file: str | None = None
    url: str = "https://events.pagerduty.com/v2/enqueue"
    source: str = "alertd"
    client: str = "alertd"
    client_url: str | None = None
    severity: str | None = None
    """Fixed PagerDuty severity; by default the alert's severity label is mapped."""


class SlackConfig(HttpChannelConfig):
    api_url: SecretStr | None = None
    """The incoming-webhook URL: its path is the secret, so it is held like a password."""
    api_url_env: str | None = None
    api_url_file: str | None = None
    channel: str | None = None
    username: str | None = None
    title: str | None = None
    text: str | None = None


class WebhookConfig(HttpChannelConfig):
    url: SecretStr | None = None
    url_env: str | None = None
    url_file: str | None = None
    max_alerts: int = Field(default=0, ge=0)
    """Cut the ``alerts`` list to this many (0 = all), like Alertmanager."""


class InhibitRuleConfig(_Strict):
    source_match: dict[str, str] = Field(default_factory=dict)
    target_match: dict[str, str] = Field(default_factory=dict)
    equal: list[str] = Field(default_factory=list)

    _patterns = field_validator("source_match", "target_match")(check_patterns)


class TimeRangeConfig(_Strict):
    start_time: str
    end_time: str


class TimeSpecConfig(_Strict):
    times: list[TimeRangeConfig] = Field(default_factory=list)
    weekdays: list[str] = Field(default_factory=list)
    days_of_month: list[str] = Field(default_factory=list)
    months: list[str] = Field(default_factory=list)
    years: list[str] = Field(default_factory=list)
    location: str = "UTC"


class TimeIntervalConfig(_Strict):
    name: str
    time_intervals: list[TimeSpecConfig] = Field(default_factory=list)


class EscalationLevelConfig(_Strict):
    after: Duration
    """Time since the first page (or the previous level) without an ack."""
    receiver: str


class EscalationPolicyConfig(_Strict):
    name: str
    levels: list[EscalationLevelConfig] = Field(min_length=1)
    repeat: int = Field(default=0, ge=0, le=100)
    """How many more times to run through all levels while nobody acks."""


class SilencesConfig(_Strict):
    topic: str = "alertd.silences"
    """Compacted Kafka topic keyed by silence id; read back on start."""
