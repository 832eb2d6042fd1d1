"""Count the instructions a Python child executes, under valgrind's cachegrind.

Instructions are deterministic where wall-clock rates on a shared machine are not:
the same code on the same input counts the same, whatever else runs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path


def require() -> None:
    """Exit with what to install when valgrind is missing (Debian's package)."""
    if shutil.which("valgrind") is None:
        sys.exit("valgrind not found: apt-get install -y valgrind")


def instructions(script: str, args: Sequence[str], tree: Path) -> int:
    """Instructions of ``python script *args``, importing alertd from ``tree``."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            f"--cachegrind-out-file={Path(tmp) / 'cachegrind.out'}",
            sys.executable,
            script,
            *args,
        ]
        env = {**os.environ, "ALERTD_BENCH_TREE": str(tree), "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(script).name} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))
