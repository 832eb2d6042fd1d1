"""The Grafana dashboard: valid dashboard JSON with a panel for each alertd_ metric."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.deploy.exported import exported_families, exported_series

DASHBOARD = Path(__file__).parents[2] / "deploy" / "grafana" / "alertd-dashboard.json"


def dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return data


def _exprs() -> list[str]:
    return [t["expr"] for p in dashboard()["panels"] for t in p["targets"]]


def test_dashboard_has_the_keys_grafana_needs() -> None:
    data = dashboard()
    assert data["uid"]
    assert data["title"]
    assert isinstance(data["schemaVersion"], int)
    ids = [p["id"] for p in data["panels"]]
    assert len(ids) == len(set(ids))
    for panel in data["panels"]:
        assert {"type", "title", "gridPos", "targets", "datasource"} <= panel.keys()
        assert {"h", "w", "x", "y"} <= panel["gridPos"].keys()
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        assert all(t["refId"] and t["expr"] for t in panel["targets"])


def test_every_alertd_metric_has_a_panel() -> None:
    used = {
        re.sub(r"_(bucket|count|sum|total|info)$", "", m)
        for e in _exprs()
        for m in re.findall(r"\balertd_[a-z_]+", e)
    }
    missing = {f for f in exported_families() - {"alertd_build"} if f not in used}
    assert missing == set()


def test_panels_query_only_existing_metrics() -> None:
    samples = exported_series()
    used = {m for e in _exprs() for m in re.findall(r"\balertd_[a-z_]+", e)}
    assert used <= samples, used - samples
