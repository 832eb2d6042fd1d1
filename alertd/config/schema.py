"""The main configuration file (``alertd.yml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from alertd.config.durations import Duration
from alertd.config.paging import (
    EscalationPolicyConfig,
    InhibitRuleConfig,
    PagerDutyConfig,
    SilencesConfig,
    SlackConfig,
    TimeIntervalConfig,
    WebhookConfig,
)
from alertd.config.rules import RuleSpec
from alertd.customers.config import CustomersConfig
from alertd.matching import compile_matcher
from alertd.notices.config import NoticesConfig


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TopicConfig(Strict):
    name: str
    decoder: str = "alertd"

    @field_validator("decoder")
    @classmethod
    def _known_decoder(cls, name: str) -> str:
        from alertd.ingest.decoders import get_decoder

        get_decoder(name)
        return name


class KafkaTlsConfig(Strict):
    """TLS to the brokers (paths relative to the config file); see docs/security.md."""

    cafile: str | None = None
    certfile: str | None = None
    keyfile: str | None = None
    check_hostname: bool = True


class KafkaSaslConfig(Strict):
    mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
    username: str
    password: SecretStr | None = None
    password_env: str | None = None
    password_file: str | None = None


class KafkaConfig(Strict):
    bootstrap_servers: str = "embedded"
    """``host:port[,host:port]``, or ``embedded`` to start the bundled Tansu broker."""
    group_id: str = "alertd"
    client_id: str = "alertd"
    topics: list[TopicConfig] = Field(default_factory=lambda: [TopicConfig(name="alertd.events")])
    dlq_topic: str = "alertd.dlq"
    partitions: int = Field(default=3, ge=1, le=1024)
    """Partitions for topics alertd creates itself (events in embedded mode, DLQ)."""
    max_batch: int = Field(default=500, ge=1, le=100_000)
    session_timeout: Duration = 10.0
    """Consumer group session timeout; a new member also waits this long to join."""
    changelog_topic: str | None = None
    """Compacted topic holding per-partition state; default ``<group_id>.changelog``.
    It needs at least as many partitions as the input topics (docs/scaling.md)."""
    heartbeat_interval: Duration = 3.0
    lean_records: bool = True
    """Hand the event consumer the broker's record objects rather than aiokafka's
    ``ConsumerRecord`` (alertd/ingest/lean.py): about a quarter faster consuming."""
    tls: KafkaTlsConfig | None = None
    sasl: KafkaSaslConfig | None = None


class HttpConfig(Strict):
    listen: str = "127.0.0.1:9464"
    token: SecretStr | None = None
    token_env: str | None = None
    token_file: str | None = None

    @property
    def host_port(self) -> tuple[str, int]:
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]") or "0.0.0.0", int(port)

    @field_validator("listen")
    @classmethod
    def _valid_listen(cls, value: str) -> str:
        _, sep, port = value.rpartition(":")
        if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ValueError(f"listen must be HOST:PORT, got {value!r}")
        return value


class SmtpConfig(Strict):
    host: str = "localhost"
    port: int = Field(default=25, ge=0, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    password_env: str | None = None
    password_file: str | None = None
    starttls: bool = False
    tls: bool = False
    timeout: Duration = 10.0


class EmailConfig(Strict):
    to: list[str] = Field(min_length=1)
    from_: str = Field(default="alertd@localhost", alias="from")
    smtp: SmtpConfig | None = None
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    send_resolved: bool = True


class ReceiverConfig(Strict):
    name: str
    email_configs: list[EmailConfig] = Field(default_factory=list)
    pagerduty_configs: list[PagerDutyConfig] = Field(default_factory=list)
    slack_configs: list[SlackConfig] = Field(default_factory=list)
    webhook_configs: list[WebhookConfig] = Field(default_factory=list)


class RouteConfig(Strict):
    receiver: str | None = None
    match: dict[str, str] = Field(default_factory=dict)
    continue_: bool = Field(default=False, alias="continue")
    routes: list[RouteConfig] = Field(default_factory=list)
    # Paging (alertd.config.paging): unset values are inherited from the parent route.
    group_by: list[str] | None = None
    group_wait: Duration | None = None
    group_interval: Duration | None = None
    repeat_interval: Duration | None = None
    immediate_severities: list[str] | None = None
    """Severities whose first page skips ``group_wait`` (default: critical)."""
    mute_time_intervals: list[str] = Field(default_factory=list)
    active_time_intervals: list[str] = Field(default_factory=list)
    escalation: str | None = None

    @field_validator("match")
    @classmethod
    def _patterns_compile(cls, match: dict[str, str]) -> dict[str, str]:
        for key, pattern in match.items():
            compile_matcher(key, pattern)
        return match


class RetryConfig(Strict):
    attempts: int = Field(default=10, ge=1, le=1000)
    initial_backoff: Duration = 0.5
    max_backoff: Duration = 300.0
    timeout: Duration = 10.0


class NotifyConfig(Strict):
    retry: RetryConfig = Field(default_factory=RetryConfig)
    queue_size: int = Field(default=10_000, ge=1)
    workers: int = Field(default=4, ge=1, le=256)


class DetectConfig(Strict):
    clock_tick: Duration = 1.0
    """How often clock-driven work (``for``, absent, resolve timers) is evaluated."""
    idle_lag: Duration = 5.0
    """With no events, event time is assumed to trail wall time by this much."""
    series_ttl: Duration = 0.0
    """Drop series idle this long (event time) so churning labels cannot exhaust memory.
    0 keeps every series; set it above the longest ``absent`` duration you use."""


class ReloadConfig(Strict):
    """Reload on file changes too (SIGHUP and POST /-/reload always work)."""

    watch: bool = False
    watch_interval: Duration = 5.0


class LoggingConfig(Strict):
    level: Literal["debug", "info", "warning", "error"] = "info"
    format: Literal["json", "console"] = "json"


class ProofConfig(Strict):
    topic: str | None = None
    """Compacted topic of the proof ledger's facts, shared by the group; default
    ``<group_id>.proof``."""


class Config(Strict):
    kafka: KafkaConfig = Field(default_factory=KafkaConfig)
    http: HttpConfig = Field(default_factory=HttpConfig)
    smtp: SmtpConfig = Field(default_factory=SmtpConfig)
    rule_files: list[str] = Field(default_factory=list)
    templates_dir: str | None = None
    route: RouteConfig = Field(default_factory=RouteConfig)
    receivers: list[ReceiverConfig] = Field(default_factory=list)
    notify: NotifyConfig = Field(default_factory=NotifyConfig)
    detect: DetectConfig = Field(default_factory=DetectConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    reload: ReloadConfig = Field(default_factory=ReloadConfig)
    # Customer notices: see docs/customer-notices.md.
    customers: CustomersConfig | None = None
    notices: NoticesConfig = Field(default_factory=NoticesConfig)
    # Paging (alertd.config.paging): see docs/routing.md.
    inhibit_rules: list[InhibitRuleConfig] = Field(default_factory=list)
    time_intervals: list[TimeIntervalConfig] = Field(default_factory=list)
    escalation_policies: list[EscalationPolicyConfig] = Field(default_factory=list)
    silences: SilencesConfig = Field(default_factory=SilencesConfig)
    # Proof of proactivity (alertd.proof): see docs/proof.md.
    proof: ProofConfig = Field(default_factory=ProofConfig)
    external_url: str = "http://localhost:9464"


class LoadedConfig(BaseModel):
    """A validated config with its rules, ready to run."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    path: Path
    config: Config
    rules: list[RuleSpec]
    api_token: SecretStr | None = None

    @property
    def base_dir(self) -> Path:
        return self.path.parent
