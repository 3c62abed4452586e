"""`dealradar predict`: classify a file of articles with the active version, nothing loaded."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from classifier.predict import Predictor
from classifier.store import active_version
from dealradar.errors import ModelError
from dealradar.warehouse import open_warehouse
from etl.tabular import read_articles_file
from etl.tabular import writable_path as _writable


def predict_file(db_path, path: str | Path, out: str | Path, mapping: list[str] | None = None,
                 device: str = "cpu") -> tuple[int, str]:
    """Write per row: sector, signal, calibrated confidences, second choices, model version."""
    from classifier.registry_prior import company_sectors_for
    from etl.companies import ensure_registry, linker_for, registry_sectors

    with open_warehouse(db_path, create=False) as con:
        active = active_version(con)
        if active is None:
            raise ModelError("no active model version: run `dealradar train` first")
        ensure_registry(con)
        linker, sector_of = linker_for(con), registry_sectors(con)
    rows, texts = read_articles_file(path, mapping)
    cs = company_sectors_for(linker, sector_of, texts["title"].tolist(), texts["body"].tolist())
    pred = Predictor.from_path(active["path"], device=device).predict(texts["title"].tolist(), texts["body"].tolist(),
                                                                      company_sectors=cs)
    pd.concat([rows.reset_index(drop=True), pred], axis=1).to_csv(_writable(out), index=False)
    return len(pred), active["version_id"]
