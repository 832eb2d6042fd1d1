"""``alertd check`` on detector parameters: every mistake as PATH:LINE."""

from __future__ import annotations

from pathlib import Path

import pytest

from alertd.config import ConfigProblems, load_config

HEAD = "rule_files: [rules.yml]\nkafka: {bootstrap_servers: embedded}\n"


def problems(tmp_path: Path, rules: str) -> list[str]:
    (tmp_path / "rules.yml").write_text(rules)
    (tmp_path / "alertd.yml").write_text(HEAD)
    with pytest.raises(ConfigProblems) as caught:
        load_config(tmp_path / "alertd.yml")
    return [str(e) for e in caught.value.errors]


def test_nested_ratio_selector_errors_point_at_their_line(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "rules:\n"
        "  - name: r\n"
        "    match: {name: req}\n"
        "    detect:\n"
        "      ratio:\n"
        "        numerator:\n"
        "          labels: {status: '~(5'}\n"
        "        denominator: {colour: red}\n",
    )
    rules = tmp_path / "rules.yml"
    assert any(p.startswith(f"{rules}:7:") and "invalid regex" in p for p in found), found
    assert any(p.startswith(f"{rules}:8:") and "colour" in p for p in found), found


@pytest.mark.parametrize(
    ("detect", "needle"),
    [
        ("{rate: {window: soon}}", "invalid duration"),
        ("{burn_rate: {objective: 100}}", "objective"),
        ("{trend: {window: 1h}}", "exactly one level"),
        ("{anomaly: {threshold: -1}}", "threshold"),
        ("{spike: {factor: 1}}", "factor"),
        ("{absent: {after: 5m, every: 1m}}", "every"),
        ("{flatline: {window: 0s}}", "window"),
    ],
)
def test_bad_detector_parameters_name_the_key_and_line(
    tmp_path: Path, detect: str, needle: str
) -> None:
    found = problems(
        tmp_path, f"rules:\n  - name: x\n    match: {{name: m}}\n    detect: {detect}\n"
    )
    assert any(p.startswith(f"{tmp_path / 'rules.yml'}:4:") and needle in p for p in found), found


def test_composite_members_must_exist_and_share_group_labels(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "rules:\n"
        "  - {name: a, match: {name: m}, group_by: [svc], detect: {threshold: {above: 1}}}\n"
        "  - name: both\n"
        "    group_by: [region]\n"
        "    detect:\n"
        "      all_of:\n"
        "        rules: [a, nope]\n",
    )
    assert any("unknown rule 'nope'" in p for p in found), found
    assert any("region" in p and "'a'" in p for p in found), found
    assert all(p.startswith(f"{tmp_path / 'rules.yml'}:7:") for p in found), found


def test_composite_cycles_are_errors(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "rules:\n"
        "  - {name: a, detect: {any_of: {rules: [b]}}}\n"
        "  - {name: b, detect: {any_of: {rules: [a]}}}\n",
    )
    assert sum("depends on itself" in p for p in found) == 2


def test_a_rule_fed_by_events_needs_match(tmp_path: Path) -> None:
    found = problems(tmp_path, "rules:\n  - name: x\n    detect: {anomaly: {}}\n")
    assert any(p.startswith(f"{tmp_path / 'rules.yml'}:2:") and "needs 'match'" in p for p in found)
