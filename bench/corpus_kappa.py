"""Label quality: Cohen's kappa between the corpus labels and a second, blind labelling pass.

Reads data/corpus/second_pass/labels_b.csv (id, sector, signal, note) and the corpus as built
*before* fixes (labels of the writers), prints kappa per head and the disagreements, and writes
bench/results/corpus_kappa.json. Resolved disagreements live in data/corpus/label_fixes.csv.

Usage: python bench/corpus_kappa.py [--list]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "data" / "corpus"))

import build_corpus  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--list", action="store_true", help="print every disagreement")
    a = ap.parse_args()
    items = build_corpus.dedupe(build_corpus.load_items())
    for it in items:
        it["id"] = "dr-" + build_corpus._h(it["title"] + "|" + it["published_at"] + "|" + it["outlet"])[:12]
    first = pd.DataFrame(items)[["id", "title", "sector", "signal"]].set_index("id")
    second = pd.read_csv(ROOT / "data" / "corpus" / "second_pass" / "labels_b.csv", keep_default_na=False).set_index("id")
    both = second.add_suffix("_b").join(first.add_suffix("_a"), how="inner").rename(columns={"note_b": "note", "title_a": "title"})
    out = {"n": int(len(both)), "ambiguous_marked": int((both["note"] != "").sum())}
    for h in ("sector", "signal"):
        out[h] = {"kappa": round(float(cohen_kappa_score(both[f"{h}_a"], both[f"{h}_b"])), 3),
                  "agreement": round(float((both[f"{h}_a"] == both[f"{h}_b"]).mean()), 3),
                  "disagreements": int((both[f"{h}_a"] != both[f"{h}_b"]).sum())}
        print(f"{h}: kappa {out[h]['kappa']}, raw agreement {out[h]['agreement']}, "
              f"{out[h]['disagreements']} disagreements of {len(both)}")
    fixes = ROOT / "data" / "corpus" / "label_fixes.csv"
    if fixes.exists():
        f = pd.read_csv(fixes, keep_default_na=False)
        out["resolved"] = {"items": int(len(f)), "changed_from_first_pass": int(
            sum((first.loc[r.id, "sector"], first.loc[r.id, "signal"]) != (r.sector, r.signal) for r in f.itertuples()))}
    if a.list:
        dis = both[(both["sector_a"] != both["sector_b"]) | (both["signal_a"] != both["signal_b"])]
        for i, r in dis.iterrows():
            print(f"{i} | {r['title'][:90]} | A {r['sector_a']}/{r['signal_a']} | B {r['sector_b']}/{r['signal_b']} | {r['note']}")
    path = ROOT / "bench" / "results" / "corpus_kappa.json"
    path.write_text(json.dumps(out, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
