"""alertd's own alert rules and Prometheus config: promtool-checked, real metric names."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.exported import exported_series

PROMETHEUS = Path(__file__).parents[2] / "deploy" / "prometheus"
promtool = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(promtool is None, reason="promtool not installed")


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    assert promtool is not None
    return subprocess.run(
        [promtool, *args], capture_output=True, text=True, timeout=60, cwd=PROMETHEUS
    )


@needs_promtool
def test_rules_pass_promtool_check() -> None:
    result = _promtool("check", "rules", "alertd-rules.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_rules_unit_tests_pass() -> None:
    result = _promtool("test", "rules", "alertd-rules.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_prometheus_config_passes_promtool_check() -> None:
    result = _promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_cover_lag_dlq_delivery_reload_and_heartbeat() -> None:
    groups = yaml.safe_load((PROMETHEUS / "alertd-rules.yml").read_text())["groups"]
    exprs = " ".join(r["expr"] for g in groups for r in g["rules"])
    for needle in (
        "alertd_consumer_lag",
        "alertd_events_rejected_total",
        "alertd_notification_failures_total",
        "alertd_config_last_reload_successful",
        'absent(up{job="alertd"})',
    ):
        assert needle in exprs, needle


def test_rules_only_use_metrics_alertd_exports() -> None:
    text = (PROMETHEUS / "alertd-rules.yml").read_text()
    used = set(re.findall(r"\balertd_[a-z_]+", text))
    assert used <= exported_series(), used - exported_series()
