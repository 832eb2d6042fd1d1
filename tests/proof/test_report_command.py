"""``alertd report``: table and self-contained HTML from a replay; JSON reads back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from alertd.cli import main
from alertd.demo import proof_scenario as sc
from alertd.demo.proof_files import write_scenario
from alertd.proof.table import render_table
from alertd.proof.wire import report_from_json


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scenario(tmp_path_factory.mktemp("report-cli"))


def replay_args(config: Path, *extra: str) -> list[str]:
    return ["report", "-c", str(config), "--events", str(config.parent / "events.jsonl"), *extra]


def test_table_has_one_row_per_incident_and_marks_ticket_first(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(replay_args(scenario)) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("inc-")]
    assert len(rows) == len(sc.DEGRADATIONS)
    assert sum("ticket first" in row for row in rows) == 1
    assert "LEAD" in out
    assert "TICKETS N/NN/OUT" in out


def test_since_until_limit_the_incidents(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = sc.DEGRADATIONS[0], sc.DEGRADATIONS[1]
    assert (
        main(
            replay_args(scenario, "--since", f"{first.start:.0f}", "--until", f"{second.start:.0f}")
        )
        == 0
    )
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("inc-")]
    assert len(rows) == 1
    assert f"{first.component} {first.region}" in rows[0]


def test_html_is_self_contained_with_one_svg_timeline_per_incident(
    scenario: Path, tmp_path: Path
) -> None:
    html = tmp_path / "proof.html"
    assert main(replay_args(scenario, "--html", str(html))) == 0
    page = html.read_text()
    assert page.count("<svg") == len(sc.DEGRADATIONS)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page
    for label in ("detected", "paged", "first notice", "tickets"):
        assert label in page


def test_json_output_reads_back_to_the_same_table(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(replay_args(scenario)) == 0
    table = capsys.readouterr().out
    assert main(replay_args(scenario, "--json")) == 0
    data = json.loads(capsys.readouterr().out)
    assert render_table(report_from_json(data)) == table


def test_bad_time_and_missing_config_are_explained(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(replay_args(scenario, "--since", "last tuesday")) == 1
    assert "RFC 3339" in capsys.readouterr().err
    assert main(["report", "--events", str(scenario.parent / "events.jsonl")]) == 1
    assert "-c CONFIG" in capsys.readouterr().err


def test_live_mode_without_a_daemon_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--url", "http://127.0.0.1:9"]) == 1
    assert "is the daemon running" in capsys.readouterr().err
