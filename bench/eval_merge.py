"""Deal merging measured on the corpus's deal groups: pairwise precision and recall.

Ingests the bundled corpus into a temporary warehouse (with extraction and registry linking), gives every
article its gold signal (as analyst labels, so only the merge is measured), rebuilds deals, and compares
"same deal" pairs with the corpus's `deal_group` column (items without a group are singletons).

Usage: python bench/eval_merge.py   (writes bench/results/merge.json)
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier.labels import add_label  # noqa: E402
from dealradar.paths import CORPUS_FILE  # noqa: E402
from dealradar.warehouse import open_warehouse  # noqa: E402
from etl.deals import rebuild_deals  # noqa: E402
from etl.ingest import IngestOptions, ingest  # noqa: E402


def pairs(groups: dict[str, list[int]]) -> set[tuple[int, int]]:
    out = set()
    for members in groups.values():
        out |= {tuple(sorted(p)) for p in combinations(members, 2)}
    return out


def main() -> None:
    corpus = pd.read_csv(CORPUS_FILE, keep_default_na=False)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "merge.duckdb"
        t0 = time.perf_counter()
        ingest(db, [str(CORPUS_FILE)], IngestOptions(progress=False))
        with open_warehouse(db) as con:
            ext = dict(con.execute("SELECT external_id, article_id FROM articles").fetchall())
            for r in corpus.itertuples():
                add_label(con, ext[r.id], r.sector, r.signal, "gold")
            stats = rebuild_deals(con)
            got = con.execute("SELECT deal_id, list(article_id) FROM deal_articles GROUP BY deal_id").fetchall()
        elapsed = time.perf_counter() - t0
    deal_signals = {"funding_round", "vc_fund", "acquisition", "ipo"}
    gold_groups: dict[str, list[int]] = {}
    for r in corpus.itertuples():
        if r.deal_group and r.signal in deal_signals:
            gold_groups.setdefault(r.deal_group, []).append(ext[r.id])
    gold = pairs(gold_groups)
    pred = pairs({str(d): ids for d, ids in got})
    tp = len(gold & pred)
    precision = tp / len(pred) if pred else 0.0
    recall = tp / len(gold) if gold else 0.0
    result = {"gold_pairs": len(gold), "predicted_pairs": len(pred), "true_pairs": tp,
              "pairwise_precision": round(precision, 4), "pairwise_recall": round(recall, 4),
              "deals": stats["deals"], "multi_report_deals": stats["multi_report"],
              "deals_with_conflicts": stats["conflicts"], "seconds": round(elapsed, 1),
              "targets": {"pairwise_precision": 0.95, "pairwise_recall": 0.95}}
    print(json.dumps(result, indent=2))
    (ROOT / "bench" / "results" / "merge.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
