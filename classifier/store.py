"""Model versions on disk (safetensors, atomic folders) and in the warehouse (model_versions)."""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import torch
from safetensors.torch import load_file, save_file

from dealradar.errors import ModelError
from dealradar.marts import refresh_deal_sectors
from dealradar.taxonomy import load_taxonomy
from etl.load import utcnow

log = logging.getLogger(__name__)

META_FILE = "dealradar.json"
WEIGHTS_FILE = "model.safetensors"


@dataclass
class LoadedModel:
    """A model ready for inference."""

    model: torch.nn.Module
    tokenizer: object
    meta: dict
    path: Path

    @property
    def version_id(self) -> str:
        return self.meta["version_id"]


def save_version(model: torch.nn.Module, tokenizer, meta: dict, models_dir: Path) -> Path:
    """Write weights (safetensors), encoder config, tokenizer and metadata to a temporary
    folder, then rename it into place, so a crash never leaves a half-written version."""
    models_dir.mkdir(parents=True, exist_ok=True)
    final = models_dir / meta["version_id"]
    if final.exists():
        raise ModelError(f"model folder {final} already exists")
    tmp = models_dir / f".tmp-{meta['version_id']}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
        save_file(state, str(tmp / WEIGHTS_FILE), metadata={"format": "pt"})
        model.encoder.config.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
        for f in tmp.iterdir():  # flush to disk before the rename makes it visible
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("saved model version %s to %s", meta["version_id"], final)
    return final


def check_compatible(meta: dict, path: Path | str) -> None:
    """Refuse a model whose taxonomy version or label maps differ from this warehouse's taxonomy."""
    tax = load_taxonomy()
    if meta.get("taxonomy_version") != tax.version:
        raise ModelError(f"{path}: model uses taxonomy v{meta.get('taxonomy_version')}, the warehouse "
                         f"v{tax.version}; retrain with `dealradar train`")
    if list(meta.get("sectors", [])) != list(tax.sectors) or list(meta.get("signals", [])) != list(tax.signals):
        raise ModelError(f"{path}: model's label maps differ from the taxonomy's ids; retrain with `dealradar train`")


def load_version(path: Path | str, device: str | torch.device = "cpu") -> LoadedModel:
    """Load a saved version: safetensors only, never remote code, label maps checked."""
    from transformers import AutoConfig, AutoTokenizer

    from classifier.model import build_from_config

    p = Path(path)
    meta_file = p / META_FILE
    weights = p / WEIGHTS_FILE
    if not meta_file.exists():
        raise ModelError(f"{p} is not a DealRadar model folder (no {META_FILE})")
    if not weights.exists():
        raise ModelError(f"{p}: no {WEIGHTS_FILE}; only safetensors weights are loaded")
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    check_compatible(meta, p)
    config = AutoConfig.from_pretrained(p, local_files_only=True, trust_remote_code=False)
    model = build_from_config(config, len(meta["sectors"]), len(meta["signals"]))
    state = load_file(str(weights))
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise ModelError(f"{p}: weights do not match the architecture (missing {missing[:3]}, "
                         f"unexpected {unexpected[:3]})")
    model.to(device).eval()
    tokenizer = AutoTokenizer.from_pretrained(p, local_files_only=True, trust_remote_code=False)
    return LoadedModel(model, tokenizer, meta, p)


# --- the model_versions table -------------------------------------------------------------

VERSION_COLS = ["version_id", "created_at", "base_model", "method", "profile", "hyperparams", "data_hash",
                "label_counts", "metrics", "baseline_metrics", "device", "duration_s", "path",
                "taxonomy_version", "status", "promoted_at", "notes"]


def register_version(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    """Insert a model version as a candidate."""
    values = {c: row.get(c) for c in VERSION_COLS}
    values["status"] = values.get("status") or "candidate"
    for c in ("hyperparams", "label_counts", "metrics", "baseline_metrics"):
        if values[c] is not None and not isinstance(values[c], str):
            values[c] = json.dumps(values[c], default=str)
    con.execute(f"INSERT INTO model_versions ({', '.join(VERSION_COLS)}) VALUES "
                f"({', '.join('?' for _ in VERSION_COLS)})", [values[c] for c in VERSION_COLS])


def list_versions(con: duckdb.DuckDBPyConnection, include_deleted: bool = False) -> list[dict]:
    """All versions, newest first."""
    where = "" if include_deleted else "WHERE status <> 'deleted'"
    cur = con.execute(f"SELECT {', '.join(VERSION_COLS)} FROM model_versions {where} ORDER BY created_at DESC")
    rows = [dict(zip(VERSION_COLS, r, strict=True)) for r in cur.fetchall()]
    for r in rows:
        for c in ("hyperparams", "label_counts", "metrics", "baseline_metrics"):
            r[c] = json.loads(r[c]) if r[c] else None
    return rows


def get_version(con: duckdb.DuckDBPyConnection, version_id: str) -> dict:
    """One version by id (a unique prefix works)."""
    rows = [r for r in list_versions(con, include_deleted=True) if r["version_id"].startswith(version_id)]
    if not rows:
        raise ModelError(f"no model version {version_id!r}; see `dealradar models list`")
    if len(rows) > 1 and not any(r["version_id"] == version_id for r in rows):
        raise ModelError(f"{version_id!r} matches several versions; give more of the id")
    exact = [r for r in rows if r["version_id"] == version_id]
    return exact[0] if exact else rows[0]


def active_version(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The active version, or None."""
    rows = [r for r in list_versions(con) if r["status"] == "active"]
    return rows[0] if rows else None


def promote(con: duckdb.DuckDBPyConnection, version_id: str) -> dict:
    """Make a version the only active one (the previous active one becomes retired)."""
    v = get_version(con, version_id)
    if v["status"] == "deleted":
        raise ModelError(f"version {v['version_id']} was deleted")
    if not Path(v["path"]).exists():
        raise ModelError(f"version {v['version_id']}: its folder {v['path']} is missing")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("UPDATE model_versions SET status = 'retired' WHERE status = 'active'")
        con.execute("UPDATE model_versions SET status = 'active', promoted_at = ? WHERE version_id = ?",
                    [utcnow(), v["version_id"]])
        refresh_deal_sectors(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    log.info("promoted model version %s", v["version_id"])
    return get_version(con, v["version_id"])


def rollback(con: duckdb.DuckDBPyConnection) -> dict:
    """Re-activate the version that was active before the current one."""
    current = active_version(con)
    if current is None:
        raise ModelError("no active model version to roll back from")
    prev = con.execute(
        "SELECT version_id FROM model_versions WHERE status = 'retired' AND promoted_at IS NOT NULL "
        "AND promoted_at <= ? ORDER BY promoted_at DESC LIMIT 1",
        [current["promoted_at"]],
    ).fetchone()
    if prev is None:
        raise ModelError("no earlier promoted version to roll back to")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("UPDATE model_versions SET status = 'candidate', promoted_at = NULL WHERE version_id = ?",
                    [current["version_id"]])
        con.execute("UPDATE model_versions SET status = 'active' WHERE version_id = ?", [prev[0]])
        refresh_deal_sectors(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return get_version(con, prev[0])


def delete_version(con: duckdb.DuckDBPyConnection, version_id: str) -> dict:
    """Delete a non-active version's folder and mark it deleted (its predictions stay traceable)."""
    v = get_version(con, version_id)
    if v["status"] == "active":
        raise ModelError(f"version {v['version_id']} is active; promote another first")
    con.execute("UPDATE model_versions SET status = 'deleted' WHERE version_id = ?", [v["version_id"]])
    shutil.rmtree(v["path"], ignore_errors=True)
    return get_version(con, v["version_id"])
