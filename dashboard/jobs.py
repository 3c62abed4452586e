"""Background retraining: a `dealradar train` process whose progress the app polls from a JSON file.

The job runs under a small shell wrapper that records its exit code, so any app process (even one started
later) can tell finished from failed; a second start while one is running is refused.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from dealradar.errors import ModelError
from dealradar.paths import home


def job_dir() -> Path:
    d = home() / "jobs"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a finished child of this process is a zombie until reaped
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def start_retrain(db_path: str, profile: str = "quick", promote: bool = False) -> dict:
    """Start training in its own process (the app stays usable); returns the job record."""
    current = retrain_status()
    if current and current["state"] == "running":
        raise ModelError("a retrain is already running; wait for it to finish")
    status, log, code = job_dir() / "retrain.json", job_dir() / "retrain.log", job_dir() / "retrain.exit"
    code.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "dealradar.cli", "train", "--db", db_path, "--profile", profile, "-q",
           "--promote" if promote else "--no-promote"]
    wrapped = f"{shlex.join(cmd)} > {shlex.quote(str(log))} 2>&1; echo $? > {shlex.quote(str(code))}"
    env = {**os.environ, "DEALRADAR_PROGRESS_FILE": str(status)}
    proc = subprocess.Popen(["/bin/sh", "-c", wrapped], env=env, start_new_session=True)
    rec = {"pid": proc.pid, "state": "running", "step": 0, "total": 0, "log": str(log), "exit_file": str(code)}
    status.write_text(json.dumps(rec))
    return rec


def retrain_status() -> dict | None:
    """The current or last retrain job: running, finished or failed, with its progress and log tail."""
    status = job_dir() / "retrain.json"
    if not status.exists():
        return None
    rec = json.loads(status.read_text() or "{}")
    if rec.get("state") == "running" and rec.get("pid") and not _alive(rec["pid"]):
        exit_file = Path(rec.get("exit_file", job_dir() / "retrain.exit"))
        code = exit_file.read_text().strip() if exit_file.exists() else ""
        rec["state"] = "finished" if code == "0" else "failed" if code else "unknown"
        status.write_text(json.dumps(rec))
    log = Path(rec["log"]) if rec.get("log") else None
    rec["log_tail"] = log.read_text()[-2000:] if log is not None and log.is_file() else ""
    return rec
