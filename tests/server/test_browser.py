"""The pages in a real browser: headless Chromium driven by Selenium and chromium-driver.

A uvicorn server on a loopback port serves a governed world. The board signs
in, opens the release, sees the heat map render, signs off and vetoes; the
product role sees no approve button and the API refuses its sign-off. Skipped
only when Chromium is not installed (``scripts/test`` installs it; under
``CI=true`` its absence is a failure).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from redline.server import create_app
from tests.server._world import World

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]

CHROMIUM = os.environ.get("REDLINE_CHROMIUM") or shutil.which("chromium") or \
    shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def base_url(world: World) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(world.store, arena_rounds=60),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    if CHROMIUM is None or DRIVER is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but chromium or chromedriver is missing (scripts/test "
                        "installs Debian's chromium and chromium-driver)")
        pytest.skip("Chromium not installed: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1000"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=Service(DRIVER))
    driver.set_script_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(browser: Any, element_id: str, text: str | None = None) -> Any:
    """The element once the page shows it (and ``text`` in it): clicks load pages async."""
    from selenium.webdriver.support.ui import WebDriverWait

    def ready(d: Any) -> Any:
        found = d.find_elements("id", element_id)
        if found and (text is None or text in found[0].text):
            return found[0]
        return False

    return WebDriverWait(browser, 15).until(ready)


def click_and_wait_on(browser: Any, element: Any) -> None:
    """Click something that loads a page, and wait until the next page replaced this one."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def replaced(_: Any) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            # mid-navigation Chromium can answer for the old node with an inspector error
            # instead of a stale reference; it means the same thing
            return "does not belong to the document" in str(exc)
        return False

    element.click()
    WebDriverWait(browser, 15).until(replaced)


def click_and_wait(browser: Any, element_id: str) -> None:
    click_and_wait_on(browser, browser.find_element("id", element_id))


def sign_in(browser: Any, base_url: str, token: str, next_path: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{base_url}/login?next={next_path}")
    browser.find_element("id", "token").send_keys(token)
    click_and_wait(browser, "login-button")
    wait_for(browser, "whoami")
    assert browser.current_url.endswith(next_path)


def heat_cells(browser: Any) -> int:
    """Heat map cells that are laid out with a real size (the SVG rendered)."""
    return int(browser.execute_script("""
        return [...document.querySelectorAll('svg.heatmap g.cell rect.cell-bg')]
          .filter(r => { const b = r.getBBox(); return b.width > 10 && b.height > 10; }).length;
    """))


def api_post(browser: Any, path: str, token: str) -> int:
    """A POST from inside the page, with a bearer token: the status the API answers."""
    return int(browser.execute_async_script("""
        const [path, token, done] = arguments;
        fetch(path, {method: 'POST', body: '{}', headers: {
            'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'}})
          .then(r => done(r.status));
    """, path, token))


def test_board_signs_and_vetoes_product_cannot_approve(browser: Any, base_url: str,
                                                      world: World) -> None:
    sign_in(browser, base_url, world.tokens["board"], "/releases/fam@1")
    assert browser.find_element("id", "whoami").text == "board · safety_board"
    assert heat_cells(browser) >= 20
    assert browser.find_element("id", "release-state").text == "in review"

    browser.find_element("css selector", "#form-approve textarea").send_keys("evidence is fine")
    click_and_wait(browser, "btn-approve")
    wait_for(browser, "flash", "your sign-off is recorded")
    assert "board" in browser.find_element("id", "quorum").text
    assert not browser.find_elements("id", "btn-approve")  # one person signs once

    browser.find_element("css selector", "#form-veto textarea").send_keys("probe 4 leaks")
    click_and_wait(browser, "btn-veto")
    wait_for(browser, "release-state", "vetoed")
    assert "probe 4 leaks" in browser.find_element("id", "vetoes").text
    assert browser.find_elements("id", "btn-lift-veto")

    sign_in(browser, base_url, world.tokens["prod"], "/releases/fam@1")
    assert browser.find_element("id", "whoami").text == "prod · product"
    assert not browser.find_elements("id", "btn-approve")
    assert not browser.find_elements("id", "btn-veto")
    assert api_post(browser, "/api/v1/releases/fam@1/signoffs", world.tokens["prod"]) == 403
    assert api_post(browser, "/api/v1/releases/fam@1/signoffs", world.tokens["board"]) == 409


def test_explorer_drills_from_heat_map_to_transcript(browser: Any, base_url: str,
                                                    world: World) -> None:
    sign_in(browser, base_url, world.tokens["aud"], f"/runs/{world.run_id}")
    assert heat_cells(browser) >= 20
    cell = browser.find_element(
        "css selector", 'svg.heatmap g.cell[data-category="weapons"][data-attack="base64"] a')
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', "
                           "{bubbles: true}))", cell)
    wait_for(browser, "match-count", "3 matching samples")
    assert "category=weapons" in browser.current_url and "attack=base64" in browser.current_url
    rows = browser.find_elements("css selector", "#sample-table tr td:first-child a")
    assert len(rows) == 3
    click_and_wait_on(browser, rows[0])
    assert wait_for(browser, "verdict").text in {"refused", "complied"}
    assert browser.find_element("id", "rationale").text not in {"", "\u2013"}
    assert "decode" in browser.find_element("id", "transcript").text.lower()


def test_ledger_verify_button(browser: Any, base_url: str, world: World) -> None:
    sign_in(browser, base_url, world.tokens["aud"], "/ledger")
    click_and_wait(browser, "verify-button")
    assert "VERIFIED" in wait_for(browser, "verify-result").text
