"""Config checks for paging that need more than one key, as PATH:LINE errors.

Also resolves the channel secrets (``*_env`` / ``*_file``), the way the loader does
for SMTP passwords, so a missing variable is reported at load time and not at the
first page.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from alertd.config.errors import ConfigError
from alertd.config.schema import Config, RouteConfig
from alertd.config.secrets import resolve_secret
from alertd.config.yaml_source import YamlDocument

Loc = tuple[str | int, ...]

CHANNEL_SECRETS = (
    ("pagerduty_configs", "routing_key"),
    ("slack_configs", "api_url"),
    ("webhook_configs", "url"),
)


def check_paging(config: Config, doc: YamlDocument) -> list[ConfigError]:
    errors = list(_resolve_channel_secrets(config, doc))
    errors.extend(_check_intervals(config, doc))
    errors.extend(_check_policies(config, doc))
    errors.extend(_check_routes(config, config.route, ("route",), doc))
    errors.extend(_check_slack_templates(config, doc))
    return errors


def _resolve_channel_secrets(config: Config, doc: YamlDocument) -> Iterable[ConfigError]:
    base: Path = doc.path.parent
    for r, receiver in enumerate(config.receivers):
        for field, key in CHANNEL_SECRETS:
            for i, channel in enumerate(getattr(receiver, field)):
                loc: Loc = ("receivers", r, field, i)
                try:
                    value = _secret(channel, key, base)
                except ValueError as exc:
                    yield doc.error(loc, f"{field.removesuffix('_configs')} {key}: {exc}")
                    continue
                if value is None:
                    yield doc.error(loc, f"missing {key}: set {key}_env or {key}_file")
                setattr(channel, key, value)


def _secret(channel: Any, key: str, base: Path) -> SecretStr | None:
    return resolve_secret(
        getattr(channel, key), getattr(channel, f"{key}_env"), getattr(channel, f"{key}_file"), base
    )


def _check_intervals(config: Config, doc: YamlDocument) -> Iterable[ConfigError]:
    from alertd.alerts.timeintervals import IntervalError, compile_spec

    seen: set[str] = set()
    for i, interval in enumerate(config.time_intervals):
        if interval.name in seen:
            yield doc.error(
                ("time_intervals", i, "name"), f"duplicate time interval {interval.name!r}"
            )
        seen.add(interval.name)
        for j, spec in enumerate(interval.time_intervals):
            loc: Loc = ("time_intervals", i, "time_intervals", j)
            try:
                compile_spec(spec)
            except IntervalError as exc:
                yield doc.error((*loc, exc.field), f"time interval {interval.name!r}: {exc}")


def _check_policies(config: Config, doc: YamlDocument) -> Iterable[ConfigError]:
    receivers = {r.name for r in config.receivers}
    seen: set[str] = set()
    for p, policy in enumerate(config.escalation_policies):
        if policy.name in seen:
            yield doc.error(("escalation_policies", p, "name"), f"duplicate policy {policy.name!r}")
        seen.add(policy.name)
        for i, level in enumerate(policy.levels):
            if level.receiver not in receivers:
                yield doc.error(
                    ("escalation_policies", p, "levels", i, "receiver"),
                    f"unknown receiver {level.receiver!r} (known: {_known(receivers)})",
                )


def _check_routes(
    config: Config, route: RouteConfig, loc: Loc, doc: YamlDocument
) -> Iterable[ConfigError]:
    intervals = {t.name for t in config.time_intervals}
    policies = {p.name for p in config.escalation_policies}
    for key in ("mute_time_intervals", "active_time_intervals"):
        for i, name in enumerate(getattr(route, key)):
            if name not in intervals:
                yield doc.error(
                    (*loc, key, i), f"unknown time interval {name!r} (known: {_known(intervals)})"
                )
    if route.escalation is not None and route.escalation not in policies:
        yield doc.error(
            (*loc, "escalation"),
            f"unknown escalation policy {route.escalation!r} (known: {_known(policies)})",
        )
    for name in ("group_interval", "repeat_interval"):
        value = getattr(route, name)
        if value is not None and value <= 0:
            yield doc.error((*loc, name), f"{name} must be greater than 0")
    for i, child in enumerate(route.routes):
        yield from _check_routes(config, child, (*loc, "routes", i), doc)


def _check_slack_templates(config: Config, doc: YamlDocument) -> Iterable[ConfigError]:
    """Template syntax errors at load time, not as a garbled page at 3 a.m."""
    import jinja2

    from alertd.templating import Templates

    templates = Templates()
    for r, receiver in enumerate(config.receivers):
        for i, slack in enumerate(receiver.slack_configs):
            for field in ("title", "text"):
                source = getattr(slack, field)
                if source is None:
                    continue
                try:
                    templates.compile(source)
                except jinja2.TemplateSyntaxError as exc:
                    loc: Loc = ("receivers", r, "slack_configs", i, field)
                    yield doc.error(loc, f"slack {field}: template syntax error: {exc.message}")


def _known(names: Iterable[str]) -> str:
    return ", ".join(sorted(names)) or "none defined"
