"""Every fixture under bad/ is a broken configuration with the exact errors it must give.

Each fixture directory holds ``alertd.yml`` (plus any rule or secret files it refers
to) and ``expected.txt``: the ``FILE:LINE: message`` lines ``alertd check`` must print,
with paths relative to the fixture directory. ``{...}`` in an expected line stands for
any text (used for lists that grow, such as the known detectors).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from alertd.config import ConfigProblems, load_config

BAD = Path(__file__).parent / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "expected.txt").is_file())
UNSET_VARIABLE = "ALERTD_FIXTURE_UNSET_TOKEN"
"""The secret_env_not_set fixture relies on this variable being absent."""

THROUGH_CLI = [
    "yaml_tab_indentation",
    "yaml_not_utf8",
    "duplicate_rule_names_across_files",
    "secret_env_not_set",
    "template_syntax_in_annotation",
    "problems_in_both_files",
]


def expected_lines(case: str) -> list[str]:
    text = (BAD / case / "expected.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def assert_lines_match(actual: list[str], expected: list[str]) -> None:
    patterns = [re.escape(line).replace(re.escape("{...}"), ".*") for line in expected]
    mismatched = [
        (want, got)
        for want, got, pattern in zip(expected, actual, patterns, strict=False)
        if not re.fullmatch(pattern, got)
    ]
    report = "\nexpected:\n  " + "\n  ".join(expected) + "\nactual:\n  " + "\n  ".join(actual)
    assert len(actual) == len(expected), report
    assert not mismatched, report


def test_there_are_at_least_fifty_bad_config_fixtures() -> None:
    assert len(CASES) >= 50


@pytest.mark.parametrize("case", CASES)
def test_load_config_reports_the_expected_lines(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(UNSET_VARIABLE, raising=False)
    directory = BAD / case
    with pytest.raises(ConfigProblems) as problems:
        load_config(directory / "alertd.yml")
    actual = [str(error).replace(f"{directory}{os.sep}", "") for error in problems.value.errors]
    assert_lines_match(actual, expected_lines(case))


@pytest.mark.parametrize("case", CASES)
def test_every_error_points_at_a_line_of_its_file(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(UNSET_VARIABLE, raising=False)
    with pytest.raises(ConfigProblems) as problems:
        load_config(BAD / case / "alertd.yml")
    for error in problems.value.errors:
        lines = error.path.read_bytes().count(b"\n") + 1
        assert 1 <= error.line <= lines, str(error)
        assert error.message, str(error)
        assert "\n" not in error.message, str(error)


@pytest.mark.parametrize("case", THROUGH_CLI)
def test_check_command_prints_the_expected_lines_and_fails(case: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != UNSET_VARIABLE}
    result = subprocess.run(
        [sys.executable, "-m", "alertd", "check", "-c", "alertd.yml"],
        cwd=BAD / case,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    *lines, summary = result.stderr.splitlines()
    expected = expected_lines(case)
    assert_lines_match(lines, expected)
    assert summary == f"{len(expected)} problem(s) found"
