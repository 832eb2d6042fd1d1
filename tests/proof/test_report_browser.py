"""The HTML report as a person sees it: Chromium parses one chart per incident."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alertd.cli import main
from alertd.demo import proof_scenario as sc
from alertd.demo.proof_files import write_scenario
from tests.support.browser import chromium, needs_chromium

pytestmark = needs_chromium


async def test_chromium_renders_a_timeline_chart_per_incident(tmp_path: Path) -> None:
    config = write_scenario(tmp_path / "scenario")
    html = tmp_path / "proof.html"
    events = str(config.parent / "events.jsonl")
    args = ["report", "-c", str(config), "--events", events, "--html", str(html)]
    assert await asyncio.to_thread(main, args) == 0  # the command runs its own event loop
    dom = await chromium(tmp_path / "p1", "--dump-dom", html.as_uri())
    assert dom.count("<svg") == len(sc.DEGRADATIONS)
    assert dom.count("<polyline") >= 2 * len(sc.DEGRADATIONS)  # signal + notices told
    assert "ticket first" in dom
    shot = tmp_path / "proof.png"
    await chromium(
        tmp_path / "p2", "--window-size=1000,1400", f"--screenshot={shot}", html.as_uri()
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a page of tables and charts, not a blank one
