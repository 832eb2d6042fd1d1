"""``alertd demo --full`` runs the scenario through its own embedded broker."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from alertd.cli import main
from alertd.demo import proof_scenario as sc


async def test_demo_full_prints_the_lead_time_table_and_writes_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = tmp_path / "proof.html"
    code = await asyncio.wait_for(
        asyncio.to_thread(main, ["demo", "--full", "--html", str(html)]), 120
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{sc.CUSTOMERS} customers" in out
    rows = [line for line in out.splitlines() if line.startswith("inc-")]
    assert len(rows) == len(sc.DEGRADATIONS)
    assert html.read_text().count("<svg") == len(sc.DEGRADATIONS)
