"""Copy the active (or a given) model version's stored metrics to bench/results/classifier_quality.json.

Usage: python bench/classifier_report.py [--db PATH] [--version ID]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier import store  # noqa: E402
from dealradar.warehouse import open_warehouse  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    ap.add_argument("--version")
    a = ap.parse_args()
    with open_warehouse(a.db, create=False) as con:
        v = store.get_version(con, a.version) if a.version else store.active_version(con)
    if v is None:
        raise SystemExit("no model version")
    out = {"version_id": v["version_id"], "profile": v["profile"], "device": v["device"], "duration_s": v["duration_s"],
           "label_counts": v["label_counts"], "metrics": {k: val for k, val in v["metrics"].items()
                                                         if k not in ("comparison",)},
           "baseline": v["baseline_metrics"]}
    for split in list(out["metrics"]):
        heads = out["metrics"][split]
        if isinstance(heads, dict):
            for h in ("sector", "signal"):
                if isinstance(heads.get(h), dict):
                    heads[h].pop("confusion", None)
    (ROOT / "bench" / "results" / "classifier_quality.json").write_text(json.dumps(out, indent=2, default=str))
    print(f"wrote bench/results/classifier_quality.json for {v['version_id']}")


if __name__ == "__main__":
    main()
