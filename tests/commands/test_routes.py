"""``alertd routes test``: receivers reached, inhibition, and CI exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alertd.cli import main

CONFIG = """\
route:
  receiver: default
  routes:
    - match: {team: payments}
      receiver: payments
      continue: true
    - match: {severity: critical}
      receiver: pager
inhibit_rules:
  - source_match: {alertname: region_down}
    target_match: {team: payments}
    equal: [region]
receivers:
  - {name: default}
  - {name: payments}
  - {name: pager}
"""


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "alertd.yml"
    path.write_text(CONFIG)
    return str(path)


def test_lists_every_receiver_reached_and_passes_expect(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "routes",
            "test",
            "-c",
            config,
            "--labels",
            "team=payments,severity=critical",
            "--expect",
            "pager,payments",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == ["payments", "pager"]
    assert "first page immediate" in out


def test_expect_mismatch_fails_for_ci(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["routes", "test", "-c", config, "--labels", "team=search", "--expect", "pager"])
    assert code == 1
    assert "expected receivers ['pager'], got ['default']" in capsys.readouterr().err


def test_active_source_alert_shows_inhibition(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "routes",
            "test",
            "-c",
            config,
            "--json",
            "--labels",
            "team=payments,region=eu",
            "--active",
            "alertname=region_down,region=eu",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1  # every receiver inhibited: nobody would be paged
    assert report["receivers"] == []
    assert report["routes"][0]["inhibited_by"] == {"alertname": "region_down", "region": "eu"}


def test_other_region_is_not_inhibited(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "routes",
            "test",
            "-c",
            config,
            "--labels",
            "team=payments,region=us",
            "--active",
            "alertname=region_down,region=eu",
            "--expect",
            "payments",
        ]
    )
    assert code == 0


def test_config_problems_exit_2_with_path_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "alertd.yml"
    path.write_text(CONFIG.replace("receiver: pager", "receiver: pagr"))
    code = main(["routes", "test", "-c", str(path), "--labels", "a=b"])
    assert code == 2
    assert f"{path}:8: unknown receiver 'pagr'" in capsys.readouterr().err


def test_bad_label_syntax_is_explained(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "test", "-c", config, "--labels", "team"]) == 2
    assert "write key=value" in capsys.readouterr().err


def test_oncall_example_config_is_valid_and_routes_as_documented(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in (
        "ALERTD_TOKEN",
        "SLACK_WEBHOOK_URL",
        "PD_PAYMENTS_KEY",
        "PD_PAYMENTS_SECONDARY_KEY",
    ):
        monkeypatch.setenv(var, "https://example.invalid/secret")
    example = str(Path(__file__).parents[2] / "config" / "examples" / "oncall.yml")
    labels = "team=payments,severity=critical,alertname=checkout_errors"
    code = main(
        [
            "routes",
            "test",
            "-c",
            example,
            "--labels",
            labels,
            "--expect",
            "payments-pager,payments-slack",
        ]
    )
    assert code == 0, capsys.readouterr().err
