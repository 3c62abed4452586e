"""Write data/corpus/README.md (the datasheet) from the corpus and the measured results.

Usage: python data/corpus/make_datasheet.py   (after build_corpus.py, bench/corpus_kappa.py and
bench/eval_corpus_transfer.py)
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "corpus" / "corpus.csv"
RESULTS = ROOT / "bench" / "results"


def md_table(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join([df.index.name or ""] + cols) + " |", "|" + "---|" * (len(cols) + 1)]
    for idx, row in df.iterrows():
        lines.append("| " + " | ".join([str(idx)] + [str(v) for v in row.tolist()]) + " |")
    return "\n".join(lines)


def main() -> None:
    c = pd.read_csv(CORPUS, keep_default_na=False)
    amount = pd.to_numeric(c["amount"], errors="coerce")
    cross = pd.crosstab(c["sector"], c["signal"], margins=True, margins_name="total")
    years = c["published_at"].str[:4].value_counts().sort_index()
    hist = "\n".join(f"{y} {'#' * max(1, round(n / 10))} {n}" for y, n in years.items())
    outlets = c["outlet"].value_counts().rename("items").to_frame()
    splits = pd.crosstab(c["signal"], c["split"])
    cur = c.loc[amount.notna(), "currency"].value_counts().rename("items").to_frame()
    kappa = json.loads((RESULTS / "corpus_kappa.json").read_text()) if (RESULTS / "corpus_kappa.json").exists() else {}
    tr = json.loads((RESULTS / "corpus_transfer.json").read_text()) if (RESULTS / "corpus_transfer.json").exists() else {}
    full = c["tags"].str.contains("full_article")
    groups = c[c["deal_group"] != ""].groupby("deal_group").size()
    text = (ROOT / "data" / "corpus" / "DATASHEET_TEMPLATE.md").read_text()
    fill = {
        "N": f"{len(c):,}", "N_FULL": f"{int(full.sum()):,}", "N_GROUPS": f"{len(groups):,}",
        "N_GROUP_ITEMS": f"{int(groups.sum()):,}", "N_REAL": f"{int((c['real_company'].astype(str) == 'True').sum()):,}",
        "N_INVENTED": f"{int((c['real_company'].astype(str) == 'False').sum()):,}",
        "NONUSD": f"{(c.loc[amount.notna(), 'currency'] != 'USD').mean():.0%}",
        "N_UNDISCLOSED": f"{int(((c['signal'] == 'funding_round') & amount.isna()).sum())}",
        "N_HARD": f"{int(c['tags'].str.contains('hard_negative').sum())}",
        "NONE_SHARE": f"{(c['signal'] == 'none').mean():.0%}",
        "CROSS": md_table(cross), "HIST": hist, "OUTLETS": md_table(outlets), "SPLITS": md_table(splits),
        "CURRENCIES": md_table(cur),
        "KAPPA_N": str(kappa.get("n", "?")),
        "KAPPA_SECTOR": str(kappa.get("sector", {}).get("kappa", "?")),
        "KAPPA_SIGNAL": str(kappa.get("signal", {}).get("kappa", "?")),
        "DIS_SECTOR": str(kappa.get("sector", {}).get("disagreements", "?")),
        "DIS_SIGNAL": str(kappa.get("signal", {}).get("disagreements", "?")),
        "CHANGED": str(kappa.get("resolved", {}).get("changed_from_first_pass", "?")),
    }
    for key in ("corpus_test", "corpus_test_title", "real_dev_title"):
        for h in ("sector", "signal"):
            v = tr.get(key, {}).get(h, {}).get("macro_f1")
            fill[f"TR_{key}_{h}".upper()] = f"{v:.3f}" if v is not None else "n/a"
    for k, v in fill.items():
        text = text.replace("{{" + k + "}}", v)
    (ROOT / "data" / "corpus" / "README.md").write_text(text)
    print("wrote data/corpus/README.md")


if __name__ == "__main__":
    main()
