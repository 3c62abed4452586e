"""Evaluate a trained model and the baseline on the fixed test split, the real dev set and the
analysts' holdout; fit temperatures on validation and report calibration error."""

from __future__ import annotations

import numpy as np
import pandas as pd

from classifier.baseline import TfidfBaseline
from classifier.calibration import expected_calibration_error, fit_temperature, softmax
from classifier.metrics import head_report
from classifier.predict import predict_logits


def _title_only(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["body"] = ""
    return out


def eval_sets(data) -> dict[str, pd.DataFrame]:
    """The named evaluation sets of a TrainingData (empty ones left out)."""
    sets = {"test": data.test, "test_title": _title_only(data.test)}
    if data.dev is not None and len(data.dev):
        sets["dev_real"] = data.dev
    if len(data.holdout):
        sets["holdout"] = data.holdout
    return {k: v for k, v in sets.items() if len(v)}


def evaluate_model(model, tokenizer, data, max_length: int, sectors: list[str], signals: list[str],
                   device="cpu") -> tuple[dict, dict, dict]:
    """(metrics, temperatures, logits): per set and head the report; calibration fitted on validation;
    the (sector, signal) logits of every set, validation included, for further analysis."""
    labels = {"sector": sectors, "signal": signals}
    temps = {"sector": 1.0, "signal": 1.0}
    metrics: dict = {}
    all_logits: dict = {}
    if len(data.validation):
        val_logits = predict_logits(model, tokenizer, data.validation["title"].tolist(),
                                    data.validation["body"].fillna("").tolist(), max_length, device=device)
        for h, lg in zip(("sector", "signal"), val_logits, strict=True):
            y = np.array([labels[h].index(v) for v in data.validation[h]])
            temps[h] = fit_temperature(lg, y)
        all_logits["validation"] = val_logits
    for name, df in eval_sets(data).items():
        logits = predict_logits(model, tokenizer, df["title"].tolist(), df["body"].fillna("").tolist(),
                                max_length, device=device)
        all_logits[name] = logits
        metrics[name] = {}
        for h, lg in zip(("sector", "signal"), logits, strict=True):
            y = np.array([labels[h].index(v) for v in df[h]])
            rep = head_report(y, lg.argmax(1), labels[h])
            if name == "test":
                rep["ece_before"] = expected_calibration_error(softmax(lg), y)
                rep["ece_after"] = expected_calibration_error(softmax(lg, temps[h]), y)
                rep["temperature"] = temps[h]
            metrics[name][h] = rep
    return metrics, temps, all_logits


def evaluate_baseline(data, sectors: list[str], signals: list[str], seed: int = 13) -> dict:
    """Train the TF-IDF baseline on the same (two-view) training data and report it on the same sets."""
    from classifier.data import training_views

    labels = {"sector": sectors, "signal": signals}
    base = TfidfBaseline(labels, seed).fit(training_views(data.train))
    out: dict = {}
    for name, df in eval_sets(data).items():
        pred = base.predict(df)
        out[name] = {}
        for h in ("sector", "signal"):
            y = np.array([labels[h].index(v) for v in df[h]])
            out[name][h] = head_report(y, pred[h], labels[h])
    return out


def summary_line(metrics: dict, baseline: dict) -> list[str]:
    """Human lines comparing model and baseline macro-F1 per set and head."""
    lines = []
    for name in metrics:
        if "sector" not in metrics[name]:
            continue
        for h in ("sector", "signal"):
            m = metrics[name][h]["macro_f1"]
            b = baseline.get(name, {}).get(h, {}).get("macro_f1")
            lines.append(f"{name:<11} {h:<7} macro-F1 {m:.3f}" + (f"  (baseline {b:.3f})" if b is not None else ""))
    return lines


def beats_baseline(metrics: dict, baseline: dict, split: str = "test") -> dict[str, bool]:
    """Whether the model's macro-F1 beats the baseline's on each head of `split`."""
    return {h: metrics[split][h]["macro_f1"] > baseline[split][h]["macro_f1"] for h in ("sector", "signal")}


def evaluate_registry(data, logits: dict, temps: dict, linker, sector_of: dict,
                      sectors: list[str]) -> tuple[float, dict]:
    """Fit the registry prior's weight on validation; report sector macro-F1 with and without the
    registry on each evaluation set, overall and on the articles whose company is unknown. `logits` are
    evaluate_model's, so nothing is predicted twice."""
    from classifier.metrics import macro_f1
    from classifier.registry_prior import combine, company_sectors_for, fit_weight

    sets = {"validation": data.validation, **eval_sets(data)}
    weight = 0.0
    if "validation" in logits:
        v = data.validation
        cs = company_sectors_for(linker, sector_of, v["title"].tolist(), v["body"].fillna("").tolist())
        y = np.array([sectors.index(s) for s in v["sector"]])
        weight = fit_weight(softmax(logits["validation"][0], temps["sector"]), y, cs, sectors)
    out: dict = {"weight": weight}
    for name, df in sets.items():
        if name in ("validation", "holdout") or name not in logits:
            continue
        p = softmax(logits[name][0], temps["sector"])
        cs = company_sectors_for(linker, sector_of, df["title"].tolist(), df["body"].fillna("").tolist())
        y = np.array([sectors.index(s) for s in df["sector"]])
        q = combine(p, cs, sectors, weight)
        known = np.array([c is not None for c in cs])
        rec = {"n": int(len(y)), "linked": int(known.sum()),
               "without": macro_f1(y, p.argmax(1), len(sectors)), "with": macro_f1(y, q.argmax(1), len(sectors))}
        if (~known).any():
            rec["unknown_without"] = macro_f1(y[~known], p[~known].argmax(1), len(sectors))
            rec["unknown_with"] = macro_f1(y[~known], q[~known].argmax(1), len(sectors))
        if known.any():
            rec["linked_without"] = macro_f1(y[known], p[known].argmax(1), len(sectors))
            rec["linked_with"] = macro_f1(y[known], q[known].argmax(1), len(sectors))
        out[name] = rec
    return weight, out
