"""Screenshot the dashboard's overview for the README (Debian chromium via Playwright).

Usage: python scripts/screenshot.py [--db var/dealradar.duckdb] [--out docs/overview.png]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / "var" / "dealradar.duckdb"))
    ap.add_argument("--out", default=str(ROOT / "docs" / "overview.png"))
    a = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DEALRADAR_DB": a.db}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(url, wait_until="networkidle")
            page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
            page.wait_for_timeout(2500)
            page.screenshot(path=a.out, full_page=False)
            browser.close()
        print(f"wrote {a.out}")
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
