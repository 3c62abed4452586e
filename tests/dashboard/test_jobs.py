"""Background retrain jobs: exit codes recorded by the wrapper, double starts refused."""

from __future__ import annotations

import json
import os
import time

import pytest

from dashboard import jobs
from dealradar.errors import ModelError


def test_a_failing_job_is_reported_failed_with_its_log(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALRADAR_HOME", str(tmp_path))
    rec = jobs.start_retrain(str(tmp_path))  # a folder, not a warehouse: `dealradar train` refuses at once
    for _ in range(300):
        st = jobs.retrain_status()
        if st["state"] != "running":
            break
        time.sleep(0.1)
    assert st["state"] == "failed"
    assert f"dealradar: error: {tmp_path} is a folder, not a warehouse file" in st["log_tail"]
    assert json.loads((tmp_path / "jobs" / "retrain.json").read_text())["pid"] == rec["pid"]


def test_a_second_start_is_refused_while_one_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALRADAR_HOME", str(tmp_path))
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "retrain.json").write_text(json.dumps({"pid": os.getpid(), "state": "running"}))
    with pytest.raises(ModelError, match="a retrain is already running"):
        jobs.start_retrain(str(tmp_path / "w.duckdb"))
