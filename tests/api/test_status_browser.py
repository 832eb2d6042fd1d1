"""The public status page and the embeddable banner, as a person sees them in Chromium."""

from __future__ import annotations

import asyncio
import itertools
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from tests.api.status_support import published_incident, serve
from tests.notices.conftest import _close_harness_dispatchers  # noqa: F401 - autouse

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs the Debian chromium package")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--virtual-time-budget=5000",
]


_profiles = itertools.count()


async def chromium(tmp_path: Path, *args: str) -> str:
    assert CHROMIUM is not None
    profile = tmp_path / f"profile-{next(_profiles)}"  # a fresh profile per run
    process = await asyncio.create_subprocess_exec(
        CHROMIUM,
        *FLAGS,
        f"--user-data-dir={profile}",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), 90)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    return out.decode()


def visible_text(dom: str) -> str:
    """Roughly what a person reads: tags, scripts and styles removed, spaces folded."""
    dom = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", dom)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", dom)).split())


async def test_status_page_shows_customer_incident_with_workaround(tmp_path: Path) -> None:
    h = await published_incident()
    async with serve(h) as base:
        dom = await chromium(tmp_path, "--dump-dom", f"{base}/status?customer=eu-en")
        shot = tmp_path / "status.png"
        await chromium(
            tmp_path,
            f"--screenshot={shot}",
            "--window-size=900,700",
            f"{base}/status?customer=eu-en",
        )
    text = visible_text(dom)
    assert "Service status for EU-EN" in text
    assert "Some services are degraded" in text
    assert "Checkout problems in eu-west" in text
    assert "Impact Payments in eu-west may fail" in text
    assert "Workaround Pay by invoice" in text
    assert re.search(r"Next update 1/15/2027, 8:30:00 AM GMT", text), text
    assert shot.stat().st_size > 5000
    shutil.copy(shot, Path("/tmp/alertd-status-page.png"))


async def test_widget_banner_on_another_site_in_customer_language(tmp_path: Path) -> None:
    h = await published_incident()
    async with serve(h) as base:
        host = tmp_path / "shop.html"
        host.write_text(
            "<!doctype html><html><head><meta charset='utf-8'></head><body>"
            "<h1>Our shop</h1><p>Welcome.</p>"
            f"<script src='{base}/widget.js' data-customer='eu-ru' async></script>"
            "</body></html>"
        )
        dom = await chromium(tmp_path, "--dump-dom", host.as_uri())
        shot = tmp_path / "widget.png"
        await chromium(tmp_path, f"--screenshot={shot}", "--window-size=900,400", host.as_uri())
        us_host = tmp_path / "us.html"
        us_host.write_text(host.read_text().replace("eu-ru", "us"))
        us_dom = await chromium(tmp_path, "--dump-dom", us_host.as_uri())
    banner = re.search(r'(?s)<div id="alertd-banner".*?</div>', dom)
    assert banner is not None, dom
    text = visible_text(banner.group(0))
    assert "Выясняем причину: Checkout problems in eu-west" in text
    assert "Payments in eu-west may fail" in text
    assert "Как обойти: Pay by invoice" in text
    assert "Следующее обновление:" in text
    assert visible_text(dom).index("Выясняем") < visible_text(dom).index("Our shop")
    us_text = visible_text(us_dom)
    assert "Planned maintenance: US database upgrade" in us_text
    assert "Checkout problems" not in us_text
    shutil.copy(shot, Path("/tmp/alertd-widget.png"))
