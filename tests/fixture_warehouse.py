"""A tiny hand-written warehouse shared by dashboard and browser tests."""

from __future__ import annotations

import json

from dealradar.marts import refresh_deal_sectors
from dealradar.warehouse import open_warehouse

REPORT = {
    "sector": {"macro_f1": 0.8, "accuracy": 0.8, "labels": ["robotics", "fintech"], "confusion": [[3, 1], [0, 4]],
               "per_class": {"robotics": {"f1": 0.85, "precision": 1, "recall": 0.75, "support": 4},
                             "fintech": {"f1": 0.89, "precision": 0.8, "recall": 1, "support": 4}},
               "ece_before": 0.1, "ece_after": 0.05, "temperature": 1.3},
    "signal": {"macro_f1": 0.9, "accuracy": 0.9, "labels": ["none", "funding_round"], "confusion": [[4, 0], [1, 3]],
               "per_class": {"none": {"f1": 0.89, "precision": 0.8, "recall": 1, "support": 4},
                             "funding_round": {"f1": 0.86, "precision": 1, "recall": 0.75, "support": 4}},
               "ece_before": 0.2, "ece_after": 0.04, "temperature": 1.8},
}

ARTICLES = [
    # id, date, outlet, title, sector, signal, conf
    (1, "2024-01-15", "Meridian Wire", "Acme raises $10M Series A led by Foo", "robotics", "funding_round", 0.95),
    (2, "2024-02-10", "Circuit Ledger", "Beta lands $30M Series B from Bar", "fintech", "funding_round", 0.90),
    (3, "2024-04-05", "Meridian Wire", "Gamma bags $5M seed from Foo", "robotics", "funding_round", 0.60),
    (4, "2024-05-01", "Dry Powder", "BigCo buys Delta for $100M", "fintech", "acquisition", 0.55),
    (5, "2024-05-20", "Circuit Ledger", "Epsilon lays off 10% of staff", "robotics", "layoffs_shutdown", 0.40),
    (6, "2024-06-30", "Meridian Wire", "Zeta launches <b>new</b> app", "media_consumer", "none", 0.30),
]
DEALS = [
    # deal_id, signal, company, amount_usd, stage, investors, acquirer, date
    (1, "funding_round", "Acme", 10e6, "series_a", ["Foo", "Bar"], None, "2024-01-15"),
    (2, "funding_round", "Beta", 30e6, "series_b", ["Bar"], None, "2024-02-10"),
    (3, "funding_round", "Gamma", 5e6, "seed", ["Foo"], None, "2024-04-05"),
    (4, "acquisition", "Delta", 100e6, None, [], "BigCo", "2024-05-01"),
]


def build_fixture_warehouse(path) -> None:
    with open_warehouse(path) as con:
        con.execute("INSERT INTO ingest_runs VALUES (nextval('seq_run_id'), 'fixture', 'csv', now(), now(), 'completed', "
                    "6, 6, 0, 0, NULL)")
        con.execute("INSERT INTO model_versions (version_id, created_at, base_model, method, profile, hyperparams, "
                    "data_hash, label_counts, metrics, baseline_metrics, device, duration_s, path, taxonomy_version, "
                    "status, promoted_at) VALUES ('v1', '2024-07-01', 'tiny', 'full', 'tiny', '{}', 'h', '{}', ?, ?, "
                    "'cpu', 1.0, '/nonexistent', 1, 'active', '2024-07-01')",
                    [json.dumps({"test": REPORT}), json.dumps({"test": REPORT})])
        for aid, d, outlet, title, sector, signal, conf in ARTICLES:
            con.execute("INSERT INTO articles (article_id, run_id, source, position, outlet, url, canonical_url, title, "
                        "body, published_at, content_hash, ingested_at) "
                        "VALUES (nextval('seq_article_id'), 1, 'fixture', ?, ?, ?, ?, ?, ?, ?, ?, now())",
                        [aid, outlet, f"https://news.example.com/{aid}", f"https://news.example.com/{aid}", title,
                         f"Body of {title}.", d, f"h{aid}"])
            con.execute("INSERT INTO predictions VALUES (?, 'v1', ?, ?, 'other', ?, ?, ?, 'none', ?, now())",
                        [aid, sector, conf, 1 - conf, signal, conf, 1 - conf])
            con.execute("INSERT INTO deal_facts (article_id, company, extracted_at, evidence) VALUES (?, ?, now(), ?)",
                        [aid, title.split()[0], json.dumps([{"field": "company", "value": title.split()[0],
                                                             "source": "title", "start": 0,
                                                             "end": len(title.split()[0]), "text": title.split()[0]}])])
        for deal_id, signal, company, usd, stage, inv, acq, d in DEALS:
            con.execute("INSERT INTO deals (deal_id, signal, company, amount_usd, round_stage, investors, acquirer, "
                        "announced_at, n_articles, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, now())",
                        [deal_id, signal, company, usd, stage, inv, acq, d])
            con.execute("INSERT INTO deal_articles VALUES (?, ?)", [deal_id, deal_id])
        refresh_deal_sectors(con)
        con.execute("INSERT INTO companies VALUES ('acme', 'Acme', ['Acme Robotics'], 'startup', 'robotics', 'bundled', "
                    "'US', 2019, 'Makes robots.', '{}', NULL, now())")
