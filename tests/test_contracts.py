"""Data contracts pass on a clean warehouse and fail, by name, on bad rows."""

from __future__ import annotations

import pytest

from dealradar.contracts import run_contracts
from dealradar.warehouse import open_warehouse


def failing(con) -> dict[str, int]:
    return {r.name: r.failures for r in run_contracts(con) if not r.ok}


def _article(con, aid: int, h: str, url: str | None = None) -> None:
    con.execute("INSERT INTO articles (article_id, run_id, source, title, body, content_hash, ingested_at, canonical_url) "
                "VALUES (?, 1, 's', 't', '', ?, now(), ?)", [aid, h, url])


def _version(con, vid: str, status: str) -> None:
    con.execute("INSERT INTO model_versions (version_id, created_at, base_model, method, hyperparams, data_hash, "
                "label_counts, device, duration_s, path, taxonomy_version, status) "
                "VALUES (?, now(), 'm', 'full', '{}', 'h', '{}', 'cpu', 1, '/x', 1, ?)", [vid, status])


def test_clean_warehouse_passes(db_path):
    with open_warehouse(db_path) as con:
        results = run_contracts(con)
    assert len(results) == 39
    assert all(r.ok for r in results)


@pytest.mark.parametrize("setup, expected", [
    (lambda con: (_article(con, 1, "h"), _article(con, 2, "h")), {"unique:articles.content_hash": 1}),
    (lambda con: (_article(con, 1, "a", "https://x/1"), _article(con, 2, "b", "https://x/1")),
     {"unique:articles.canonical_url": 1}),
    (lambda con: (_article(con, 1, "a"), con.execute(
        "INSERT INTO labels VALUES (1, 1, 'robots', 'none', 'correct', 'ann', now(), false)")),
     {"accepted_values:labels.sector": 1}),
    (lambda con: con.execute("INSERT INTO ingest_runs VALUES (1, 's', 'csv', now(), now(), 'completed', 10, 5, 1, 1, NULL)"),
     {"balance:ingest_runs.read=loaded+duplicates+rejected": 1}),
    (lambda con: (_version(con, "a", "active"), _version(con, "b", "active")), {"single_active:model_versions": 1}),
    (lambda con: (_article(con, 1, "a"), con.execute(
        "INSERT INTO predictions VALUES (1, 'ghost', 'fintech', 0.9, NULL, NULL, 'none', 1.5, NULL, NULL, now())")),
     {"relationship:predictions.version_id->model_versions.version_id": 1, "range:predictions.confidence": 1}),
    (lambda con: con.execute("INSERT INTO deal_articles VALUES (99, 7)"),
     {"relationship:deal_articles.article_id->articles.article_id": 1,
      "relationship:deal_articles.deal_id->deals.deal_id": 1}),
    (lambda con: con.execute("INSERT INTO deals (deal_id, signal, n_articles, updated_at, round_stage) "
                             "VALUES (1, 'none', 1, now(), 'series_z')"),
     {"accepted_values:deals.signal": 1, "accepted_values:deals.round_stage": 1}),
])
def test_contracts_fail_on_bad_rows(db_path, setup, expected):
    with open_warehouse(db_path) as con:
        setup(con)
        assert failing(con) == expected
