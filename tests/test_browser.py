"""One real-browser test: headless Debian Chromium (Playwright) against the real Streamlit server."""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from fixture_warehouse import build_fixture_warehouse

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    db = tmp_path / "fixture.duckdb"
    build_fixture_warehouse(db)
    port = _free_port()
    env = {**os.environ, "DEALRADAR_DB": str(db), "DEALRADAR_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "dealradar.cli", "dashboard", "--port", str(port),  # the CLI command
                             "--address", "127.0.0.1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start")
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def test_overview_to_deal_article_and_excel_export(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(server, wait_until="networkidle")
        page.get_by_text("Where AI capital is flowing").wait_for(timeout=60_000)
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)  # let plotly finish drawing before the screenshot
        shot = tmp_path / "overview.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000

        # click through from the overview to a deal and its article
        page.get_by_role("link", name="Delta · $100.0M · acquisition").click()
        page.get_by_text("Delta: acquisition, $100.0M").wait_for(timeout=30_000)
        page.get_by_text("BigCo buys Delta for $100M").first.wait_for(timeout=30_000)

        # export the Excel report
        page.goto(server + "/reports", wait_until="networkidle")
        page.get_by_text("Sector reports").wait_for(timeout=30_000)
        page.get_by_text("xlsx", exact=True).click()
        page.get_by_role("button", name="Build report").click()
        with page.expect_download(timeout=60_000) as dl:
            page.get_by_role("button", name="Download").click()
        path = tmp_path / "report.xlsx"
        dl.value.save_as(path)
        browser.close()

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    assert wb.sheetnames == ["about", "capital_by_period", "stages", "investors", "companies", "deals", "sources"]
    assert [c.value for c in wb["deals"][1]][:3] == ["deal_id", "announced_at", "company"]
