"""Whole training runs and warehouse classification, as library calls used by the CLI and the dashboard.

Both open the warehouse only for short reads and writes; training itself holds no lock.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from classifier.config import TrainConfig
from classifier.data import analyst_labels, build_training_data, data_hash, load_corpus, load_dev_set
from classifier.evaluate import beats_baseline, evaluate_baseline, evaluate_model, evaluate_registry, summary_line
from classifier.predict import Predictor
from classifier.store import active_version, load_version, promote, register_version, save_version
from classifier.train import train
from dealradar.errors import ModelError
from dealradar.marts import refresh_deal_sectors
from dealradar.paths import CORPUS_FILE, models_dir
from dealradar.taxonomy import load_taxonomy
from dealradar.warehouse import open_warehouse
from etl.companies import ensure_registry, linker_for, registry_sectors
from etl.load import utcnow

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    """What a training run produced and decided."""

    version_id: str
    path: Path
    metrics: dict
    baseline: dict
    promoted: bool
    reason: str
    comparison: dict = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


def compare_reports(before: dict, after: dict) -> dict:
    """Per set, head and class: F1 before, after and the change; plus macro-F1."""
    out: dict = {}
    for split in after:
        if split not in before:
            continue
        out[split] = {}
        for h in ("sector", "signal"):
            b, a = before[split][h], after[split][h]
            out[split][h] = {
                "macro_f1": {"before": b["macro_f1"], "after": a["macro_f1"], "delta": a["macro_f1"] - b["macro_f1"]},
                "per_class": {c: {"before": b["per_class"][c]["f1"], "after": a["per_class"][c]["f1"],
                                  "delta": a["per_class"][c]["f1"] - b["per_class"][c]["f1"]}
                              for c in a["per_class"]},
            }
    return out


def promotion_decision(comparison: dict, tolerance: float) -> tuple[bool, str]:
    """Promote unless some head's macro-F1 on the fixed test split (or the analysts' holdout) falls
    by more than `tolerance`."""
    drops = []
    for split in ("test", "holdout"):
        for h, v in comparison.get(split, {}).items():
            if v["macro_f1"]["delta"] < -tolerance:
                drops.append(f"{split} {h} macro-F1 {v['macro_f1']['before']:.3f} -> {v['macro_f1']['after']:.3f}")
    if drops:
        return False, "not promoted: " + "; ".join(drops) + f" (tolerance {tolerance})"
    return True, f"promoted: no head fell by more than {tolerance}"


def run_training(db_path, cfg: TrainConfig, *, promote_mode: str = "auto", corpus_path: Path | str = CORPUS_FILE,
                 out_dir: Path | None = None, progress: bool = True,
                 on_progress: Callable[[dict], None] | None = None) -> TrainResult | None:
    """Train on corpus + analyst labels, evaluate against the baseline and the active version,
    save the version atomically, register it, and promote it per `promote_mode` (auto|always|never).
    Under `torchrun`/`accelerate launch` every rank trains; only the main one evaluates and saves (others
    return None)."""
    tax = load_taxonomy()
    sectors, signals = list(tax.sectors), list(tax.signals)
    corpus = load_corpus(corpus_path)
    with open_warehouse(db_path) as con:
        labels = analyst_labels(con)
        active = active_version(con)
        ensure_registry(con)
        linker = linker_for(con)
        sector_of = registry_sectors(con)
    data = build_training_data(corpus, labels, tax, cfg.holdout_fraction, cfg.min_per_class)
    data.dev = load_dev_set()
    started = time.perf_counter()
    out = train(cfg, data.train, data.validation, sectors, signals, progress=progress, on_progress=on_progress)
    from accelerate import PartialState

    if not PartialState().is_main_process:  # other ranks of a distributed run stop here
        return None
    metrics, temps, logits = evaluate_model(out.model, out.tokenizer, data, cfg.max_length, sectors, signals,
                                            out.device)
    weight, metrics["registry"] = evaluate_registry(data, logits, temps, linker, sector_of, sectors)
    metrics["training"] = {"history": out.history, "best_epoch": out.best_epoch, "steps": out.steps,
                           "train_samples_per_s": out.train_samples_per_s}
    baseline = evaluate_baseline(data, sectors, signals, cfg.seed)
    duration = time.perf_counter() - started
    dhash = data_hash(pd.concat([data.train, data.validation]))
    created = utcnow()
    version_id = f"v{created:%Y%m%d-%H%M%S}-{hashlib.sha1((dhash + str(cfg.to_dict())).encode()).hexdigest()[:6]}"
    meta = {"version_id": version_id, "taxonomy_version": tax.version, "sectors": sectors, "signals": signals,
            "max_length": cfg.max_length, "temperatures": temps, "registry_weight": weight,
            "base_model": cfg.base_model, "method": cfg.method,
            "created_at": created.isoformat(), "config": cfg.to_dict(), "data_hash": dhash}
    path = save_version(out.model, out.tokenizer, meta, out_dir or models_dir())
    comparison: dict = {}
    if active is not None:
        try:
            prev = load_version(active["path"])
            before, _, _ = evaluate_model(prev.model, prev.tokenizer, data, prev.meta["max_length"], sectors, signals)
            comparison = compare_reports(before, metrics)
        except ModelError as e:
            log.warning("cannot compare with active version %s: %s", active["version_id"], e)
    if promote_mode == "always" or active is None:
        do_promote, reason = True, "promoted: " + ("--promote given" if active is not None else "first model")
    elif promote_mode == "never":
        do_promote, reason = False, "not promoted: --no-promote given"
    else:
        do_promote, reason = promotion_decision(comparison, cfg.promote_tolerance)
    beats = beats_baseline(metrics, baseline)
    lines = summary_line(metrics, baseline)
    for name, rec in metrics["registry"].items():
        if isinstance(rec, dict):
            lines.append(f"{name:<11} sector  macro-F1 with registry {rec['with']:.3f} (without {rec['without']:.3f}; "
                         f"{rec['linked']}/{rec['n']} linked; prior weight {weight})")
    for h, ok in beats.items():
        if not ok:
            lines.append(f"WARNING: the fine-tuned model does not beat the TF-IDF baseline on {h} macro-F1")
    with open_warehouse(db_path) as con:
        register_version(con, {
            "version_id": version_id, "created_at": created, "base_model": cfg.base_model, "method": cfg.method,
            "profile": cfg.profile, "hyperparams": cfg.to_dict(), "data_hash": dhash,
            "label_counts": data.label_counts(), "metrics": {**metrics, "comparison": comparison,
                                                             "beats_baseline": beats},
            "baseline_metrics": baseline, "device": out.device, "duration_s": duration, "path": str(path),
            "taxonomy_version": tax.version, "status": "candidate", "notes": reason,
        })
        if do_promote:
            promote(con, version_id)
    return TrainResult(version_id, path, metrics, baseline, do_promote, reason, comparison, lines)


def classify_warehouse(db_path, *, all_articles: bool = False, batch_size: int = 512, device: str = "cpu",
                       progress: bool = True, version_id: str | None = None) -> dict:
    """Label articles that lack a prediction from the active version (all with `all_articles`).

    With `version_id`, predict with that version instead (e.g. a candidate, so the Model page can show its
    effect on sector totals before promotion); only the active version's predictions count as labels."""
    from classifier.store import get_version

    with open_warehouse(db_path) as con:
        active = get_version(con, version_id) if version_id else active_version(con)
        if active is None:
            raise ModelError("no active model version: run `dealradar train` first")
        path = Path(active["path"])
        vid = active["version_id"]
        where = "" if all_articles else \
            "WHERE NOT EXISTS (SELECT 1 FROM predictions p WHERE p.article_id = a.article_id AND p.version_id = ?)"
        todo = con.execute(
            f"SELECT a.article_id, a.title, a.body, CASE WHEN c.kind <> 'investor' THEN c.sector END AS company_sector "
            f"FROM articles a LEFT JOIN deal_facts f USING (article_id) LEFT JOIN companies c ON c.company_id = "
            f"coalesce((SELECT merged_into FROM companies m WHERE m.company_id = f.company_id), f.company_id) "
            f"{where} ORDER BY a.article_id", [] if all_articles else [vid]).df()
    if todo.empty:
        return {"version_id": vid, "classified": 0}
    predictor = Predictor.from_path(path, device=device)
    from tqdm import tqdm

    done = 0
    bar = tqdm(total=len(todo), desc="classify", unit=" articles", disable=not progress, leave=False)
    for start in range(0, len(todo), batch_size):
        chunk = todo.iloc[start:start + batch_size]
        sectors_known = [s if isinstance(s, str) else None for s in chunk["company_sector"]]
        pred = predictor.predict(chunk["title"].tolist(), chunk["body"].fillna("").tolist(), company_sectors=sectors_known)
        pred.insert(0, "article_id", chunk["article_id"].to_numpy())
        pred["predicted_at"] = utcnow()
        with open_warehouse(db_path) as con:
            con.register("_pred", pred)
            con.execute("BEGIN TRANSACTION")
            con.execute("DELETE FROM predictions WHERE version_id = ? AND article_id IN (SELECT article_id FROM _pred)",
                        [vid])
            con.execute("INSERT INTO predictions (article_id, version_id, sector, sector_conf, sector_2nd, "
                        "sector_2nd_conf, signal, signal_conf, signal_2nd, signal_2nd_conf, predicted_at) "
                        "SELECT article_id, version_id, sector, sector_conf, sector_2nd, sector_2nd_conf, signal, "
                        "signal_conf, signal_2nd, signal_2nd_conf, predicted_at FROM _pred")
            refresh_deal_sectors(con, chunk["article_id"].tolist())
            con.execute("COMMIT")
            con.unregister("_pred")
        done += len(chunk)
        bar.update(len(chunk))
    bar.close()
    return {"version_id": vid, "classified": done, "at": datetime.now().isoformat(timespec="seconds")}
