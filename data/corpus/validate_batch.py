"""Validate corpus source batches (JSON Lines) against data/corpus/SPEC.md.

Usage: python data/corpus/validate_batch.py FILE.jsonl [FILE.jsonl ...]
Prints one line per problem and a summary; exits 1 when any problem is found.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

SECTORS = {
    "foundation_models", "ai_infrastructure", "developer_tools", "enterprise_software",
    "healthcare", "fintech", "mobility_space", "robotics", "security_defense",
    "commerce_retail", "media_consumer", "climate_energy", "other",
}
SIGNALS = {"funding_round", "vc_fund", "acquisition", "ipo", "layoffs_shutdown", "none"}
STAGES = {"pre_seed", "seed", "growth", "debt", "grant", "undisclosed"} | {
    f"series_{c}" for c in "abcdefgh"
}
CURRENCIES = {"USD", "EUR", "GBP", "INR", "CNY", "JPY", "CAD", "SGD", "CHF", "SEK", "AUD",
              "KRW", "ILS", "BRL", "HKD", "NOK", "DKK"}
OUTLETS = {
    "Meridian Wire", "Circuit Ledger", "Bay Commerce Journal", "Thameside Business Post",
    "Deccan Startup Times", "Yangtze Tech Review", "Dry Powder", "NewsDesk PR",
    "Rhein Valley Tech", "Maple Street Business", "Lion City Deal Brief", "Kanto Business Daily",
}
TAGS = {"hard_negative", "roundup", "rumour", "correction", "question_headline", "investor_first",
        "feature", "full_article", "undisclosed_amount", "floor_amount"}
FIELDS = ["outlet", "published_at", "title", "body", "sector", "signal", "company", "amount",
          "currency", "round_stage", "valuation_usd", "investors", "acquirer", "real_company",
          "deal_group", "tags"]


def check(item: dict) -> list[str]:
    """Return the problems of one item (empty when it is valid)."""
    p: list[str] = []
    missing = [f for f in FIELDS if f not in item]
    extra = [f for f in item if f not in FIELDS]
    if missing:
        p.append(f"missing fields {missing}")
    if extra:
        p.append(f"unknown fields {extra}")
    if missing:
        return p
    if item["outlet"] not in OUTLETS:
        p.append(f"unknown outlet {item['outlet']!r}")
    if not re.fullmatch(r"20(1[5-9]|2[0-6])-\d\d-\d\d", str(item["published_at"])):
        p.append(f"bad published_at {item['published_at']!r}")
    elif str(item["published_at"]) > "2026-10-31":
        p.append("published_at after 2026-10-31")
    if not isinstance(item["title"], str) or len(item["title"].strip()) < 12:
        p.append("title missing or too short")
    if not isinstance(item["body"], str) or len(item["body"].strip()) < 40:
        p.append("body missing or too short")
    if item["sector"] not in SECTORS:
        p.append(f"bad sector {item['sector']!r}")
    if item["signal"] not in SIGNALS:
        p.append(f"bad signal {item['signal']!r}")
    sig = item["signal"]
    amt, cur = item["amount"], item["currency"]
    if amt is not None and (not isinstance(amt, (int, float)) or amt <= 0):
        p.append(f"bad amount {amt!r}")
    if (amt is None) != (cur is None):
        p.append("amount and currency must both be set or both null")
    if cur is not None and cur not in CURRENCIES:
        p.append(f"bad currency {cur!r}")
    if sig == "funding_round":
        if item["round_stage"] not in STAGES:
            p.append(f"funding_round needs round_stage, got {item['round_stage']!r}")
    elif item["round_stage"] is not None:
        p.append("round_stage must be null unless signal is funding_round")
    if sig == "acquisition":
        if not item["acquirer"]:
            p.append("acquisition needs acquirer")
    elif item["acquirer"] is not None:
        p.append("acquirer must be null unless signal is acquisition")
    if sig in {"funding_round", "vc_fund", "acquisition", "ipo", "layoffs_shutdown"}:
        if not item["company"] and "roundup" not in item["tags"]:
            p.append(f"{sig} needs company")
    if sig == "none" and (amt is not None or item["investors"]):
        p.append("signal none carries no deal facts (amount/investors)")
    if not isinstance(item["investors"], list) or not all(
        isinstance(x, str) and x.strip() for x in item["investors"]
    ):
        p.append("investors must be a list of names")
    v = item["valuation_usd"]
    if v is not None and (not isinstance(v, (int, float)) or v <= 0):
        p.append(f"bad valuation_usd {v!r}")
    if not isinstance(item["real_company"], bool):
        p.append("real_company must be true/false")
    if not isinstance(item["tags"], list) or any(t not in TAGS for t in item["tags"]):
        p.append(f"bad tags {item['tags']!r}")
    if "full_article" in item["tags"]:
        words = len(item["body"].split())
        if not 150 <= words <= 520:
            p.append(f"full_article body has {words} words (150-500)")
    dg = item["deal_group"]
    if dg is not None and not re.fullmatch(r"[A-Z]-[a-z0-9][a-z0-9-]+", str(dg)):
        p.append(f"bad deal_group {dg!r}")
    return p


def main(paths: list[str]) -> int:
    bad = 0
    items = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"{path}:{n}: invalid JSON: {e}")
                bad += 1
                continue
            for prob in check(item):
                print(f"{path}:{n}: {prob}")
                bad += 1
            items.append(item)
    titles = Counter(i.get("title", "").strip().lower() for i in items)
    for t, c in titles.items():
        if c > 1:
            print(f"duplicate title x{c}: {t[:70]!r}")
            bad += 1
    groups = Counter(i.get("deal_group") for i in items if i.get("deal_group"))
    for g, c in groups.items():
        if not 2 <= c <= 4:
            print(f"deal_group {g} has {c} reports (needs 2-4)")
            bad += 1
    sig = Counter(i.get("signal") for i in items)
    sec = Counter(i.get("sector") for i in items)
    full = sum("full_article" in i.get("tags", []) for i in items)
    print(f"{len(items)} items, {bad} problems; full articles {full}; deal groups {len(groups)}")
    print("signals:", dict(sig))
    print("sectors:", dict(sec))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
