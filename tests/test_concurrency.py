"""Several users, one warehouse: the dashboard keeps answering while a CLI ingest writes, and the ingest
completes while the dashboard reads (each side holds the DuckDB lock only for short units of work)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pandas as pd
from fixture_warehouse import build_fixture_warehouse
from streamlit.testing.v1 import AppTest

from dashboard import queries
from dealradar.paths import PROJECT_ROOT
from dealradar.warehouse import open_warehouse

APP = str(PROJECT_ROOT / "dashboard" / "app.py")


def test_dashboard_usable_during_a_cli_ingest(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    build_fixture_warehouse(db)
    monkeypatch.setenv("DEALRADAR_DB", str(db))
    monkeypatch.setenv("DEALRADAR_HOME", str(tmp_path / "home"))
    src = tmp_path / "big.csv"
    n = 6000
    pd.DataFrame({"title": [f"Startup {i} raises ${i % 90 + 1} million Series A" for i in range(n)],
                  "body": [f"Startup {i} builds software. The round was led by Fund {i % 40}." for i in range(n)],
                  "date": ["2024-03-01"] * n}).to_csv(src, index=False)
    env = {**os.environ, "DEALRADAR_DB": str(db), "DEALRADAR_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "dealradar.cli", "ingest", str(src), "--batch-size", "250", "-q"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    renders, counts = 0, []
    try:
        deadline = time.time() + 240
        while proc.poll() is None and time.time() < deadline:
            at = AppTest.from_file(APP, default_timeout=60)
            at.switch_page("pages/articles.py")
            at.run()
            assert not at.exception, at.exception
            renders += 1
            counts.append(len(at.dataframe[0].value))
            second = AppTest.from_file(APP, default_timeout=60).run()  # another session
            assert not second.exception
        out, err = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "read 6000, loaded 6000, duplicates 0, rejected 0" in out
    assert renders >= 2  # the app answered several times while the ingest was running
    with open_warehouse(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 6 + n
        assert queries.review_progress(con)["total"] == 6
