"""``alertd test``: compact series notation, pass/fail, diffs and exit codes."""

from __future__ import annotations

import io
import math
import subprocess
import sys
from pathlib import Path

import pytest

from alertd.commands.test import run_tests
from alertd.ruletest.notation import expand
from alertd.ruletest.spec import parse_series

REPO = Path(__file__).resolve().parents[2]

RULES = """\
rules:
  - name: high
    match: {name: load}
    group_by: [host]
    detect: {threshold: {above: 5}}
    for: 2m
    labels: {team: core}
    annotations: {summary: "load {{ value }} on {{ labels.host }}"}
"""


def test_notation_expands_like_promtool() -> None:
    assert expand("1 2 _ 4 stale") == [1.0, 2.0, None, 4.0, None]
    assert expand("0.01+0.01x3") == pytest.approx([0.01, 0.02, 0.03, 0.04])
    assert expand("10-2x2") == [10.0, 8.0, 6.0]
    assert expand("5x2 _x2") == [5.0, 5.0, 5.0, None, None]
    assert math.isnan(expand("nan")[0] or 0.0)
    assert expand(3) == [3.0]


def test_notation_errors_say_how_to_write_it() -> None:
    with pytest.raises(ValueError, match="a\\+bxn"):
        expand("1 two 3")


def test_series_selector_parses_name_and_labels() -> None:
    assert parse_series('load{host="a", dc="x\\"y"}') == ("load", {"host": "a", "dc": 'x"y'})
    assert parse_series("load") == ("load", {})
    with pytest.raises(ValueError, match='label="value"'):
        parse_series("load{host=a}")


def write(tmp_path: Path, expected_value: str, start: str = "1767225600") -> Path:
    (tmp_path / "rules.yml").write_text(RULES)
    path = tmp_path / "test.yml"
    path.write_text(
        f"""\
start: {start}
rule_files: [rules.yml]
tests:
  - name: load pages after 2m
    input_series:
      - series: 'load{{host="a"}}'
        values: "1 9x4"
    alerts:
      - at: 1m
        rule: high
        expected: [{{labels: {{host: a}}, state: pending}}]
      - at: 3m
        rule: high
        expected:
          - labels: {{host: a, team: core}}
            annotations: {{summary: "load {expected_value} on a"}}
"""
    )
    return path


def failing_output(path: Path) -> str:
    """What ``alertd test`` prints for a file it must fail."""
    out = io.StringIO()
    assert run_tests([str(path)], out) == 1
    return out.getvalue()


def test_passing_file_exits_zero(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_tests([str(write(tmp_path, "9.0"))], out) == 0
    assert "SUCCESS: 1 passed" in out.getvalue()


def test_failure_shows_a_diff_and_exits_one(tmp_path: Path) -> None:
    text = failing_output(write(tmp_path, "7.0"))
    assert "FAIL load pages after 2m: rule high at 180s" in text
    assert "-    summary: load 7.0 on a" in text
    assert "+    summary: load 9.0 on a" in text
    assert "FAILED: 0 passed, 1 failed" in text


def test_broken_test_file_is_reported_with_path_and_line(tmp_path: Path) -> None:
    (tmp_path / "rules.yml").write_text(RULES)
    path = tmp_path / "t.yml"
    path.write_text(
        "rule_files: [rules.yml]\ntests:\n  - input_series:\n"
        "      - {series: load, values: '1 two'}\n"
    )
    assert f"{path}:4:" in failing_output(path)


def test_a_start_outside_the_years_1_to_9999_is_reported_with_path_and_line(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "9.0", start="1e300")
    assert f"{path}:1: start: must be less than or equal to" in failing_output(path)


def test_input_series_that_run_past_the_year_9999_fail_the_test_with_the_step(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "9.0", start="253402300700")  # 100 s before the end
    text = failing_output(path)
    assert "FAIL load pages after 2m: input_series" in text
    assert "input series 'load{host=\"a\"}', step 2: time" in text
    assert "outside the years 1-9999" in text


def test_shipped_example_rule_tests_pass_through_the_cli() -> None:
    files = sorted(str(p) for p in (REPO / "config" / "rules" / "tests").glob("*.yml"))
    assert len(files) >= 8
    result = subprocess.run(
        [sys.executable, "-m", "alertd", "test", *files],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout
