"""A tiny random BERT end to end: train a few steps, save, load, predict; safe loading; atomic saves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from classifier import store
from classifier.config import TrainConfig
from classifier.data import build_training_data, load_corpus
from classifier.predict import Predictor, predict_logits
from classifier.train import train
from dealradar.errors import ModelError
from dealradar.taxonomy import load_taxonomy

TAX = load_taxonomy()
SECTORS, SIGNALS = list(TAX.sectors), list(TAX.signals)


@pytest.fixture(scope="module")
def trained(tiny_bert, tiny_corpus_file):
    data = build_training_data(load_corpus(tiny_corpus_file), None, TAX)
    cfg = TrainConfig.from_profile("tiny", base_model=str(tiny_bert), max_steps=2)
    out = train(cfg, data.train, data.validation, SECTORS, SIGNALS, progress=False)
    return out, cfg, data


def _meta(vid: str, cfg: TrainConfig) -> dict:
    return {"version_id": vid, "taxonomy_version": TAX.version, "sectors": SECTORS, "signals": SIGNALS,
            "max_length": cfg.max_length, "temperatures": {"sector": 1.5, "signal": 0.8}}


def test_train_two_steps(trained):
    out, _, data = trained
    assert out.steps == 2
    assert out.model.sector_head.out_features == 13 and out.model.signal_head.out_features == 6
    assert out.model.encoder.pooler is None
    assert len(data.train) == 13 * 6 * 2 and len(data.test) == 13 * 6


def test_save_load_predict_roundtrip(trained, tmp_path):
    out, cfg, data = trained
    path = store.save_version(out.model, out.tokenizer, _meta("v1", cfg), tmp_path)
    assert sorted(p.name for p in path.iterdir()) == ["config.json", "dealradar.json", "model.safetensors",
                                                       "tokenizer.json", "tokenizer_config.json"]
    titles, bodies = data.test["title"].tolist()[:5], [""] * 5
    before = predict_logits(out.model, out.tokenizer, titles, bodies, cfg.max_length)
    loaded = store.load_version(path)
    after = predict_logits(loaded.model, loaded.tokenizer, titles, bodies, cfg.max_length)
    np.testing.assert_allclose(before[0], after[0], atol=1e-5)
    np.testing.assert_allclose(before[1], after[1], atol=1e-5)
    pred = Predictor(loaded).predict(titles, bodies)
    assert list(pred.columns) == ["sector", "sector_conf", "sector_2nd", "sector_2nd_conf", "signal", "signal_conf",
                                  "signal_2nd", "signal_2nd_conf", "version_id"]
    assert len(pred) == 5 and set(pred["version_id"]) == {"v1"}
    assert set(pred["sector"]) <= set(SECTORS) and set(pred["signal"]) <= set(SIGNALS)
    assert (pred["sector"] != pred["sector_2nd"]).all()
    assert (pred["sector_conf"] >= pred["sector_2nd_conf"]).all()
    # calibrated confidences use the stored temperature
    from classifier.calibration import softmax

    assert pred["sector_conf"].tolist() == pytest.approx(softmax(after[0], 1.5).max(axis=1).tolist(), abs=1e-6)


def test_interrupted_save_leaves_previous_version_intact(trained, tmp_path, monkeypatch):
    out, cfg, _ = trained
    store.save_version(out.model, out.tokenizer, _meta("v1", cfg), tmp_path)

    def crash(*a, **k):
        raise KeyboardInterrupt("killed mid-save")

    monkeypatch.setattr(store, "save_file", crash)
    with pytest.raises(KeyboardInterrupt):
        store.save_version(out.model, out.tokenizer, _meta("v2", cfg), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v1"]
    assert store.load_version(tmp_path / "v1").version_id == "v1"


def test_refuses_other_taxonomy_labels_and_unsafe_weights(trained, tmp_path):
    out, cfg, _ = trained
    path = store.save_version(out.model, out.tokenizer, _meta("v1", cfg), tmp_path)
    bad = tmp_path / "swapped"
    shutil.copytree(path, bad)
    meta = json.loads((bad / "dealradar.json").read_text())
    meta["sectors"] = list(reversed(meta["sectors"]))
    (bad / "dealradar.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="label maps differ from the taxonomy"):
        store.load_version(bad)
    meta["sectors"] = SECTORS
    meta["taxonomy_version"] = 99
    (bad / "dealradar.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="model uses taxonomy v99, the warehouse v1"):
        store.load_version(bad)
    pickled = tmp_path / "pickled"
    shutil.copytree(path, pickled)
    (pickled / "model.safetensors").unlink()
    torch.save(out.model.state_dict(), pickled / "pytorch_model.bin")
    with pytest.raises(ModelError, match="no model.safetensors; only safetensors weights are loaded"):
        store.load_version(pickled)


def test_unknown_base_model(tmp_path):
    from classifier.model import load_encoder

    with pytest.raises(ModelError, match="unknown base model"):
        load_encoder(str(tmp_path / "missing-model"))


def test_lora_trains_and_merges(tiny_bert, tiny_corpus_file, tmp_path):
    data = build_training_data(load_corpus(tiny_corpus_file), None, TAX)
    cfg = TrainConfig.from_profile("tiny", base_model=str(tiny_bert), method="lora", max_steps=2)
    out = train(cfg, data.train, data.validation, SECTORS, SIGNALS, progress=False)
    keys = list(out.model.state_dict())
    assert not any("lora_" in k for k in keys)
    path = store.save_version(out.model, out.tokenizer, _meta("lora1", cfg), tmp_path)
    assert store.load_version(path).model.sector_head.out_features == 13


def test_analyst_labels_join_training_and_newest_are_held_out(tiny_corpus_file):
    labels = pd.DataFrame({"article_id": range(10), "title": [f"t{i}" for i in range(10)], "body": "",
                           "sector": "fintech", "signal": "none",
                           "labelled_at": pd.date_range("2025-01-01", periods=10)})
    data = build_training_data(load_corpus(tiny_corpus_file), labels, TAX, holdout_fraction=0.2)
    assert data.holdout["title"].tolist() == ["t8", "t9"]
    assert int((data.train["origin"] == "analyst").sum()) == 8
    assert set(data.test["origin"]) == {"corpus"}


@pytest.mark.slow
def test_two_process_training_with_torchrun(tiny_bert, tiny_corpus_file, tmp_path):
    env = {**os.environ, "DEALRADAR_HOME": str(tmp_path / "home"), "DEALRADAR_DEV_SET": str(tmp_path / "none"),
           "OMP_NUM_THREADS": "1"}
    torchrun = Path(sys.executable).with_name("torchrun")
    res = subprocess.run([str(torchrun), "--nproc_per_node", "2", "-m", "classifier.launch", "--corpus",
                          str(tiny_corpus_file), "--base-model", str(tiny_bert), "--profile", "tiny", "--max-steps", "3",
                          "-q", "--no-classify"], capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.count("model version v") == 1  # only rank 0 saves
    assert "promoted: first model" in res.stdout
    assert len(list((tmp_path / "home" / "models").iterdir())) == 1
