"""Batched inference: logits, calibrated probabilities and the top two classes per head."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from classifier.calibration import softmax
from classifier.data import encode
from classifier.store import LoadedModel, load_version

log = logging.getLogger(__name__)


def pad_batch(items: list[dict], pad_id: int, device: torch.device | str = "cpu") -> dict:
    """Pad a list of tokenised items to the longest one (dynamic padding)."""
    n = max(len(x["input_ids"]) for x in items)
    ids = torch.full((len(items), n), pad_id, dtype=torch.long)
    mask = torch.zeros((len(items), n), dtype=torch.long)
    for i, x in enumerate(items):
        k = len(x["input_ids"])
        ids[i, :k] = torch.tensor(x["input_ids"], dtype=torch.long)
        mask[i, :k] = 1
    return {"input_ids": ids.to(device), "attention_mask": mask.to(device)}


@torch.inference_mode()
def predict_logits(model: torch.nn.Module, tokenizer, titles: list[str], bodies: list[str], max_length: int,
                   batch_size: int = 128, device: torch.device | str = "cpu", progress: bool = False,
                   autocast_dtype: torch.dtype | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Sector and signal logits for each text, batched by similar length."""
    model.eval()
    enc = encode(tokenizer, titles, bodies, max_length)
    order = np.argsort([len(e["input_ids"]) for e in enc], kind="stable")
    n_sec = model.sector_head.out_features
    n_sig = model.signal_head.out_features
    sec = np.zeros((len(enc), n_sec), dtype=np.float32)
    sig = np.zeros((len(enc), n_sig), dtype=np.float32)
    pad_id = tokenizer.pad_token_id or 0
    dev = torch.device(device)
    for start in tqdm(range(0, len(order), batch_size), desc="classify", unit=" batch", disable=not progress,
                      leave=False):
        idx = order[start:start + batch_size]
        batch = pad_batch([enc[i] for i in idx], pad_id, dev)
        if autocast_dtype is not None:
            with torch.autocast(device_type=dev.type, dtype=autocast_dtype):
                a, b = model(**batch)
        else:
            a, b = model(**batch)
        sec[idx] = a.float().cpu().numpy()
        sig[idx] = b.float().cpu().numpy()
    return sec, sig


def top_two(probs: np.ndarray, labels: list[str]) -> pd.DataFrame:
    """First and second choice with their probabilities."""
    order = np.argsort(-probs, axis=1)
    rows = np.arange(len(probs))
    return pd.DataFrame({
        "label": [labels[i] for i in order[:, 0]],
        "conf": probs[rows, order[:, 0]],
        "label_2nd": [labels[i] for i in order[:, 1]],
        "conf_2nd": probs[rows, order[:, 1]],
    })


class Predictor:
    """A loaded model version with calibrated predictions."""

    def __init__(self, loaded: LoadedModel, device: str = "cpu", batch_size: int = 128):
        self.loaded = loaded
        self.device = device
        self.batch_size = batch_size
        self.meta = loaded.meta

    @classmethod
    def from_path(cls, path: Path | str, device: str = "cpu", batch_size: int = 128) -> Predictor:
        return cls(load_version(path, device), device, batch_size)

    @property
    def version_id(self) -> str:
        return self.meta["version_id"]

    def predict(self, titles: list[str], bodies: list[str] | None = None, progress: bool = False,
                company_sectors: list[str | None] | None = None) -> pd.DataFrame:
        """Per text: sector, signal, calibrated confidences, second choices and the version id.

        `company_sectors`: the registry sector of each text's linked company (None if unknown),
        combined with the model's sector probabilities with the version's fitted prior weight."""
        bodies = bodies if bodies is not None else [""] * len(titles)
        bodies = [b if isinstance(b, str) else "" for b in bodies]
        if not titles:
            return pd.DataFrame(columns=["sector", "sector_conf", "sector_2nd", "sector_2nd_conf", "signal",
                                         "signal_conf", "signal_2nd", "signal_2nd_conf", "version_id"])
        sec, sig = predict_logits(self.loaded.model, self.loaded.tokenizer, titles, bodies,
                                  self.meta["max_length"], self.batch_size, self.device, progress)
        temps = self.meta.get("temperatures", {})
        sec_p = softmax(sec, temps.get("sector", 1.0))
        if company_sectors is not None and self.meta.get("registry_weight"):
            from classifier.registry_prior import combine

            sec_p = combine(sec_p, company_sectors, self.meta["sectors"], self.meta["registry_weight"])
        s = top_two(sec_p, self.meta["sectors"])
        g = top_two(softmax(sig, temps.get("signal", 1.0)), self.meta["signals"])
        return pd.DataFrame({
            "sector": s["label"], "sector_conf": s["conf"], "sector_2nd": s["label_2nd"],
            "sector_2nd_conf": s["conf_2nd"], "signal": g["label"], "signal_conf": g["conf"],
            "signal_2nd": g["label_2nd"], "signal_2nd_conf": g["conf_2nd"],
            "version_id": self.version_id,
        })
