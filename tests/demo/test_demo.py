"""The quick start's ``alertd demo`` as a new user runs it."""

from __future__ import annotations

import subprocess
import sys


def test_demo_runs_the_whole_flow_and_exits_zero() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "alertd", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 0, out[-3000:] + result.stderr[-3000:]
    timeline = [line.split()[1] for line in out.splitlines() if line.startswith("  T+")]
    assert timeline.index("PENDING") < timeline.index("FIRING") < timeline.index("RESOLVED")
    assert "email sent    (firing)" in out
    assert "email sent    (resolved)" in out
    assert "Выясняем причину" in out  # the Russian customer got the notice in Russian
    assert "noc@globex.example               0 message(s)  ok" in out
    assert "demo OK" in out
