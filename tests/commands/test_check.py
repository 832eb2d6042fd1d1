"""``alertd check`` as SREs run it in CI: exit code and PATH:LINE messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alertd", "check", "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_shipped_example_config_is_valid() -> None:
    result = _check(REPO / "config" / "alertd.yml")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_problems_are_reported_with_file_and_line_and_exit_one(tmp_path: Path) -> None:
    (tmp_path / "rules.yml").write_text(
        "rules:\n"
        "  - name: a\n"
        "    match: {name: x}\n"
        "    detect: {threshold: {above: 1}}\n"
        "    for: soon\n"
    )
    (tmp_path / "alertd.yml").write_text(
        "rule_files: [rules.yml]\nkafka:\n  bootstrap_servers: embedded\n  colour: blue\n"
    )
    result = _check(tmp_path / "alertd.yml")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert f"{tmp_path / 'alertd.yml'}:4: unknown key 'colour' in kafka" in lines
    rules_line = f"{tmp_path / 'rules.yml'}:5: "
    assert any(line.startswith(rules_line) and "invalid duration 'soon'" in line for line in lines)
