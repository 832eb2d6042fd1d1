"""Bad paging config: every problem reported as PATH:LINE with what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from alertd.config import ConfigProblems, load_config

BAD = """\
route:
  receiver: a
  routes:
    - match: {x: y}
      receiver: a
      escalation: nope
      mute_time_intervals: [missing]
      group_interval: 0s
receivers:
  - name: a
    pagerduty_configs:
      - {}
    slack_configs:
      - api_url_env: ALERTD_TEST_UNSET_VARIABLE
time_intervals:
  - name: t
    time_intervals:
      - weekdays: [funday]
escalation_policies:
  - name: p
    levels: [{after: 5m, receiver: ghost}]
inhibit_rules:
  - source_match: {a: "~("}
"""


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "alertd.yml"
    path.write_text(text)
    with pytest.raises(ConfigProblems) as caught:
        load_config(path)
    return [f"{e.line}: {e.message}" for e in caught.value.errors]


def test_semantic_problems_point_at_their_lines(tmp_path: Path) -> None:
    found = problems(tmp_path, BAD.replace('  - source_match: {a: "~("}\n', "  - {}\n"))
    assert found == [
        "6: unknown escalation policy 'nope' (known: p)",
        "7: unknown time interval 'missing' (known: t)",
        "8: group_interval must be greater than 0",
        "12: missing routing_key: set routing_key_env or routing_key_file",
        "14: slack api_url: environment variable ALERTD_TEST_UNSET_VARIABLE is not set",
        "18: time interval 't': weekdays: unknown weekday 'funday': use monday..sunday",
        "21: unknown receiver 'ghost' (known: a)",
    ]


def test_bad_matcher_regex_is_a_schema_error_with_line(tmp_path: Path) -> None:
    [found] = problems(tmp_path, BAD)
    assert found.startswith("23: inhibit_rules.0.source_match: invalid regex")


def test_channel_secrets_come_from_files_and_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pd.key").write_text("from-file\n")
    monkeypatch.setenv("ALERTD_TEST_SLACK_URL", "https://hooks.example.com/T/B/x")
    path = tmp_path / "alertd.yml"
    path.write_text(
        """\
route: {receiver: a}
receivers:
  - name: a
    pagerduty_configs: [{routing_key_file: pd.key}]
    slack_configs: [{api_url_env: ALERTD_TEST_SLACK_URL}]
    webhook_configs: [{url: "https://bridge.example.com/hook"}]
"""
    )
    [receiver] = load_config(path).config.receivers
    key = receiver.pagerduty_configs[0].routing_key
    url = receiver.slack_configs[0].api_url
    assert key is not None
    assert url is not None
    assert key.get_secret_value() == "from-file"
    assert url.get_secret_value() == "https://hooks.example.com/T/B/x"
    assert "from-file" not in repr(receiver)


def test_bad_slack_template_is_reported_at_its_line(tmp_path: Path) -> None:
    text = """\
route: {receiver: a}
receivers:
  - name: a
    slack_configs:
      - api_url: https://hooks.example.com/x
        title: "{{ status "
"""
    [found] = problems(tmp_path, text)
    assert found.startswith("6: slack title: template syntax error")
