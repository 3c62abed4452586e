"""Background retraining: a `dealradar train` subprocess whose progress the app polls from a JSON file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dealradar.paths import home


def job_dir() -> Path:
    d = home() / "jobs"
    d.mkdir(parents=True, exist_ok=True)
    return d


def start_retrain(db_path: str, profile: str = "quick", promote: bool = False) -> dict:
    """Start training in its own process (the app stays usable); returns the job record."""
    status = job_dir() / "retrain.json"
    log = job_dir() / "retrain.log"
    cmd = [sys.executable, "-m", "dealradar.cli", "train", "--db", db_path, "--profile", profile, "-q",
           "--promote" if promote else "--no-promote"]
    env = {**os.environ, "DEALRADAR_PROGRESS_FILE": str(status)}
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    rec = {"pid": proc.pid, "state": "running", "step": 0, "total": 0, "log": str(log)}
    status.write_text(json.dumps(rec))
    return rec


def retrain_status() -> dict | None:
    """The current/last retrain job: running, finished or failed, with its progress."""
    status = job_dir() / "retrain.json"
    if not status.exists():
        return None
    rec = json.loads(status.read_text() or "{}")
    if rec.get("state") == "running" and rec.get("pid"):
        try:
            pid, code = os.waitpid(rec["pid"], os.WNOHANG)
        except ChildProcessError:
            pid, code = rec["pid"], None
            try:
                os.kill(rec["pid"], 0)
                pid = 0
            except OSError:
                pass
        if pid:
            rec["state"] = "finished" if code in (0, None) else "failed"
            status.write_text(json.dumps(rec))
    log = Path(rec.get("log", ""))
    rec["log_tail"] = log.read_text()[-2000:] if log.exists() else ""
    return rec
