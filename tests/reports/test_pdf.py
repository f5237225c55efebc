"""The system card as a PDF from a real renderer, and as a page a browser opens offline."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redline.cli import app
from redline.reports import find_chromium
from tests.server._world import World

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _need_chromium() -> str:
    found = find_chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Chromium is missing (scripts/test installs it)")
        pytest.skip("Chromium not installed: apt-get install chromium")
    return found


def test_the_system_card_renders_to_pdf(world: World, tmp_path: Path) -> None:
    _need_chromium()
    out = tmp_path / "card.pdf"
    r = CliRunner().invoke(app, ["report", "release", "fam@2", "-f", "pdf", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "rendered by chromium" in r.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(out),
                        str(tmp_path / "page")], check=True)
        assert (tmp_path / "page-1.png").stat().st_size > 1000


@pytest.mark.browser
def test_the_html_card_opens_offline_in_a_browser(world: World, tmp_path: Path) -> None:
    binary = _need_chromium()
    driver_bin = shutil.which("chromedriver")
    if driver_bin is None:
        pytest.skip("chromium-driver not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    page = tmp_path / "card.html"
    assert CliRunner().invoke(app, ["report", "release", "fam@2", "-o", str(page)]).exit_code == 0
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=Service(driver_bin))
    try:
        driver.get(page.as_uri())
        assert driver.title == "System card: fam@2"
        drawn = driver.execute_script(
            "return [...document.querySelectorAll('svg.heatmap rect.cell-bg')]"
            ".filter(r => r.getBBox().width > 10).length")
        assert drawn >= 8
        fetched = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        assert fetched == []  # one self-contained file: nothing else was requested
    finally:
        driver.quit()
