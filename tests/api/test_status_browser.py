"""The public status page and the embeddable banner, as a person sees them in Chromium."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.api.status_support import published_incident, serve
from tests.notices.conftest import _close_harness_dispatchers  # noqa: F401 - autouse
from tests.support.browser import chromium, needs_chromium, visible_text

pytestmark = needs_chromium


async def page(tmp_path: Path, *args: str) -> str:
    """Chromium with time to run the page's scripts (the banner is injected by JS)."""
    return await chromium(tmp_path, "--virtual-time-budget=5000", *args)


async def test_status_page_shows_customer_incident_with_workaround(tmp_path: Path) -> None:
    h = await published_incident()
    async with serve(h) as base:
        dom = await page(tmp_path, "--dump-dom", f"{base}/status?customer=eu-en")
        shot = tmp_path / "status.png"
        await page(
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
        dom = await page(tmp_path, "--dump-dom", host.as_uri())
        shot = tmp_path / "widget.png"
        await page(tmp_path, f"--screenshot={shot}", "--window-size=900,400", host.as_uri())
        us_host = tmp_path / "us.html"
        us_host.write_text(host.read_text().replace("eu-ru", "us"))
        us_dom = await page(tmp_path, "--dump-dom", us_host.as_uri())
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
