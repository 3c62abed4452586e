"""Generate a scale warehouse (default 200,000 articles, 50,000 deals) for dashboard benchmarks.

Usage: python bench/make_scale_warehouse.py [--articles 200000] [--deals 50000] [--out var/scale.duckdb]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dealradar.taxonomy import load_taxonomy  # noqa: E402
from dealradar.warehouse import open_warehouse  # noqa: E402


def build(out: Path, n_articles: int, n_deals: int, seed: float = 0.42) -> dict:
    tax = load_taxonomy()
    if out.exists():
        out.unlink()
    t0 = time.perf_counter()
    with open_warehouse(out) as con:
        con.execute(f"SELECT setseed({seed})")
        sectors, stages = list(tax.sectors), list(tax.round_stages)
        deal_sigs = list(tax.deal_signals)
        con.execute("INSERT INTO ingest_runs VALUES (1, 'scale', 'generated', now(), now(), 'completed', ?, ?, 0, 0, NULL)",
                    [n_articles, n_articles])
        metrics = {"test": {h: {"macro_f1": 0.9, "accuracy": 0.9, "labels": [], "confusion": [], "per_class": {}}
                            for h in ("sector", "signal")}}
        con.execute("INSERT INTO model_versions (version_id, created_at, base_model, method, profile, hyperparams, data_hash, "
                    "label_counts, metrics, baseline_metrics, device, duration_s, path, taxonomy_version, status, promoted_at) "
                    "VALUES ('scale-v1', now(), 'generated', 'full', 'quick', '{}', 'x', '{}', ?, ?, 'cpu', 0, '/none', ?, "
                    "'active', now())", [json.dumps(metrics), json.dumps(metrics), tax.version])
        # deal articles first: deal d gets 1-4 articles; the rest are other news
        con.execute(f"""
            CREATE TEMP TABLE plan AS
            WITH d AS (SELECT range + 1 AS deal_id, 1 + floor(random() * 4)::INT AS n,
                              DATE '2015-01-01' + (pow(random(), 0.6) * 4290)::INT AS day,
                              list_element(?::VARCHAR[], 1 + floor(random() * {len(sectors)})::INT) AS sector,
                              CASE WHEN random() < 0.75 THEN 'funding_round'
                                   ELSE list_element(?::VARCHAR[], 2 + floor(random() * 3)::INT) END AS signal
                       FROM range({n_deals}))
            SELECT deal_id, sector, signal, day + (i * 2)::INTEGER AS day FROM d, range(n) AS t(i)
        """, [sectors, deal_sigs])
        n_plan = con.execute("SELECT count(*) FROM plan").fetchone()[0]
        con.execute(f"""
            CREATE TEMP TABLE arts AS
            SELECT row_number() OVER () AS article_id, * FROM (
                SELECT deal_id, sector, signal, day FROM plan
                UNION ALL
                SELECT NULL, list_element(?::VARCHAR[], 1 + floor(random() * {len(sectors)})::INT),
                       CASE WHEN random() < 0.9 THEN 'none' ELSE 'layoffs_shutdown' END,
                       DATE '2015-01-01' + (pow(random(), 0.6) * 4290)::INT
                FROM range({max(0, n_articles - n_plan)}))
        """, [sectors])
        outlets = ["Meridian Wire", "Circuit Ledger", "Bay Commerce Journal", "Dry Powder", "NewsDesk PR"]
        con.execute(f"""
            INSERT INTO articles (article_id, run_id, source, position, outlet, url, canonical_url, title, body,
                                  published_at, content_hash, ingested_at)
            SELECT article_id, 1, 'scale', article_id, list_element(?::VARCHAR[], 1 + (article_id % {len(outlets)})::INT),
                   'https://news.example.com/s/' || article_id, 'https://news.example.com/s/' || article_id,
                   CASE WHEN deal_id IS NULL THEN 'Company ' || article_id || ' ships an update to its product'
                        ELSE 'Company ' || deal_id || ' raises a round from investors' END,
                   'Generated body for article ' || article_id || ' about a ' || sector || ' company.',
                   day::TIMESTAMP, md5(article_id::VARCHAR), now()
            FROM arts
        """, [outlets])
        con.execute("""
            INSERT INTO predictions
            SELECT article_id, 'scale-v1', sector, 0.5 + random() * 0.5, list_element(?::VARCHAR[], 1 + (article_id % 13)::INT),
                   random() * 0.3, signal, 0.5 + random() * 0.5, 'none', random() * 0.3, now()
            FROM arts
        """, [sectors])
        con.execute(f"""
            INSERT INTO deals (deal_id, signal, company, company_key, amount, currency, amount_usd, round_stage,
                               valuation_usd, investors, acquirer, announced_at, n_articles, has_conflict, updated_at)
            SELECT p.deal_id, any_value(p.signal), 'Company ' || p.deal_id, 'company ' || p.deal_id,
                   round(exp(13 + random() * 7)), 'USD', NULL,
                   CASE WHEN any_value(p.signal) = 'funding_round'
                        THEN list_element(?::VARCHAR[], 1 + floor(random() * {len(stages)})::INT) END,
                   NULL,
                   [('Investor ' || (random() * 500)::INT), ('Investor ' || (random() * 500)::INT)],
                   CASE WHEN any_value(p.signal) = 'acquisition' THEN 'Buyer ' || (random() * 100)::INT END,
                   min(p.day)::TIMESTAMP, count(*), random() < 0.05, now()
            FROM plan p GROUP BY p.deal_id
        """, [stages])
        con.execute("UPDATE deals SET amount_usd = amount")
        con.execute("INSERT INTO deal_articles SELECT article_id, deal_id FROM arts WHERE deal_id IS NOT NULL")
        con.execute("""
            INSERT INTO deal_facts (article_id, company, amount, currency, amount_usd, round_stage, investors, evidence,
                                    extracted_at)
            SELECT a.article_id, d.company, d.amount, d.currency, d.amount_usd, d.round_stage, d.investors, '[]', now()
            FROM arts a JOIN deals d USING (deal_id)
        """)
        from dealradar.marts import refresh_deal_sectors

        refresh_deal_sectors(con)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "deals", "predictions")}
    counts["seconds"] = round(time.perf_counter() - t0, 1)
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=200_000)
    ap.add_argument("--deals", type=int, default=50_000)
    ap.add_argument("--out", default=str(ROOT / "var" / "scale.duckdb"))
    a = ap.parse_args()
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    print(json.dumps(build(out, a.articles, a.deals)))


if __name__ == "__main__":
    main()
