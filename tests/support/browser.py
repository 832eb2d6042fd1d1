"""Headless Chromium from Debian's package: what a person would see on a page."""

from __future__ import annotations

import asyncio
import itertools
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs the Debian chromium package")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # the sandbox has no network: no phoning home
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
_profiles = itertools.count()


async def chromium(tmp_path: Path, *args: str, timeout: float = 90) -> str:
    """Run Chromium with a fresh profile under ``tmp_path``; return its stdout."""
    assert CHROMIUM is not None
    profile = tmp_path / f"chromium-profile-{next(_profiles)}"
    process = await asyncio.create_subprocess_exec(
        CHROMIUM,
        *FLAGS,
        f"--user-data-dir={profile}",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    return out.decode()


def visible_text(dom: str) -> str:
    """Roughly what a person reads: tags, scripts and styles removed, spaces folded."""
    dom = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", dom)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", dom)).split())
