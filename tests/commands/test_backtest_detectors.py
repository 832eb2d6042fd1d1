"""``alertd backtest`` over the detector scenario: JSON lines on stdout, a summary on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from alertd.ingest.decoders import encode_event
from tests.detect.scenario import RULE_NAMES, RULES, events


def test_backtest_prints_transition_lines_and_a_summary(tmp_path: Path) -> None:
    (tmp_path / "rules.yml").write_text(RULES)
    (tmp_path / "alertd.yml").write_text(
        "rule_files: [rules.yml]\nkafka: {bootstrap_servers: embedded}\n"
    )
    feed = events(1_790_000_000)
    (tmp_path / "events.jsonl").write_bytes(b"\n".join(encode_event(e) for e in feed) + b"\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "alertd",
            "backtest",
            "-c",
            str(tmp_path / "alertd.yml"),
            "--events",
            str(tmp_path / "events.jsonl"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert {line["rule"] for line in lines if line["state"] == "firing"} == set(RULE_NAMES)
    assert all(set(line) >= {"rule", "labels", "state", "at"} for line in lines)
    counts = Counter(line["state"] for line in lines)
    assert f"{counts['firing']} firing" in result.stderr
    assert result.stderr.strip().startswith("backtest:")
    assert "fired per rule: api_slo " in result.stderr
