"""Transfer of the corpus to real text: a TF-IDF + logistic-regression model trained on the corpus's train
split, scored on the corpus test split and on the real labelled headlines (title only).

Usage: python bench/eval_corpus_transfer.py [--errors N]   (writes bench/results/corpus_transfer.json)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier.baseline import TfidfBaseline  # noqa: E402
from classifier.data import load_corpus, load_dev_set, training_views  # noqa: E402
from classifier.metrics import head_report  # noqa: E402
from dealradar.taxonomy import load_taxonomy  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", type=int, default=0, help="print the N most common confusions on the dev set")
    args = ap.parse_args()
    tax = load_taxonomy()
    labels = {"sector": list(tax.sectors), "signal": list(tax.signals)}
    corpus = load_corpus()
    corpus["body"] = corpus["body"].fillna("")
    train = corpus[corpus["split"] == "train"]
    test = corpus[corpus["split"] == "test"]
    model = TfidfBaseline(labels).fit(training_views(train))
    sets = {"corpus_test": test, "corpus_test_title": test.assign(body="")}
    dev = load_dev_set()
    if dev is not None:
        sets["real_dev_title"] = dev
    else:
        print("real dev set absent: ../shared/datasets/techcrunch_labelled_dev_2015_2017.csv (skipped)")
    out = {"n_train": int(len(train))}
    print(f"{'set':<20}{'n':>6}{'sector F1':>12}{'signal F1':>12}")
    for name, df in sets.items():
        pred = model.predict(df)
        rec = {"n": int(len(df))}
        for h in ("sector", "signal"):
            y = np.array([labels[h].index(v) for v in df[h]])
            rep = head_report(y, pred[h], labels[h])
            rec[h] = {"macro_f1": rep["macro_f1"], "accuracy": rep["accuracy"],
                      "per_class_f1": {k: v["f1"] for k, v in rep["per_class"].items()}}
            if name == "real_dev_title" and args.errors:
                conf = Counter((labels[h][t], labels[h][p]) for t, p in zip(y, pred[h], strict=True) if t != p)
                print(f"  {h} confusions (true -> predicted):", conf.most_common(args.errors))
        out[name] = rec
        print(f"{name:<20}{len(df):>6}{rec['sector']['macro_f1']:>12.3f}{rec['signal']['macro_f1']:>12.3f}")
    path = ROOT / "bench" / "results" / "corpus_transfer.json"
    path.write_text(json.dumps(out, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
