"""Measure the deal-fact extractor: precision, recall and F1 per field.

Datasets (each skipped with a message when absent):
  * ../shared/datasets/techcrunch_labelled_dev_2015_2017.csv: real headlines, title only;
  * data/corpus/corpus.csv, split == "test": title only and title + body.

Only rows whose gold signal is funding_round, vc_fund, acquisition or ipo are
scored. Each is scored twice: with the extractor reading the event itself
("auto") and with the gold signal passed in ("signal"), the way the pipeline
calls it after classification.

Per field: a predicted value that matches counts tp; one that does not counts
fp (and fn when a gold value exists); a gold value left empty counts fn.
Matching: company and acquirer by case/punctuation-normalised equality;
amount by value within 1% and the same currency; valuation_usd within 1%;
round_stage by id; investors as sets of normalised names (each name counts).

Usage: python bench/eval_extraction.py [--dev PATH] [--corpus PATH] [--errors FIELD]
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import sys
import unicodedata
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from etl.extract import extract_facts  # noqa: E402

logger = logging.getLogger("bench.eval_extraction")

DEV = REPO.parent / "shared" / "datasets" / "techcrunch_labelled_dev_2015_2017.csv"
CORPUS = REPO / "data" / "corpus" / "corpus.csv"
OUT = REPO / "bench" / "results" / "extraction.json"
DEAL_SIGNALS = {"funding_round", "vc_fund", "acquisition", "ipo"}
FIELDS = ("company", "amount", "round_stage", "valuation_usd", "investors", "acquirer")
TOLERANCE = 0.01
_PUNCT = re.compile(r"[^\w\s]")


def norm_name(name: str | None) -> str:
    """Case- and punctuation-insensitive form of a name."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(_PUNCT.sub(" ", text).split())


def _num(value: str | float | None) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return None


class Score:
    """tp/fp/fn counts for one field."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.n = self.support = 0

    def scalar(self, gold, pred, match) -> bool:
        self.n += 1
        has_g, has_p = gold not in (None, ""), pred not in (None, "")
        self.support += has_g
        if has_g and has_p and match(gold, pred):
            self.tp += 1
            return True
        self.fp += has_p
        self.fn += has_g
        return not has_g and not has_p

    def sets(self, gold: set[str], pred: set[str]) -> bool:
        self.n += 1
        self.support += len(gold)
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)
        return gold == pred

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(p, 4), "recall": round(r, 4),
                "f1": round(f, 4), "n": self.n, "support": self.support}


def score_rows(rows: list[dict], use_body: bool, use_signal: bool, errors: str | None = None) -> dict:
    """Score the extractor on labelled rows; returns {field: counts}."""
    scores = {f: Score() for f in FIELDS}
    for row in rows:
        if row.get("signal") not in DEAL_SIGNALS:
            continue
        facts = extract_facts(row["title"], row.get("body", "") if use_body else "", _date(row.get("date") or
                              row.get("published_at") or ""), signal=row["signal"] if use_signal else None)
        ok = {
            "company": scores["company"].scalar(norm_name(row["company"]), norm_name(facts.company),
                                                lambda g, p: g == p),
            "amount": scores["amount"].scalar(
                (_num(row["amount"]), row["currency"]) if _num(row["amount"]) is not None else None,
                (facts.amount, facts.currency) if facts.amount is not None else None,
                lambda g, p: g[1] == p[1] and _close(g[0], p[0])),
            "round_stage": scores["round_stage"].scalar(row["round_stage"] or None, facts.round_stage,
                                                        lambda g, p: g == p),
            "valuation_usd": scores["valuation_usd"].scalar(_num(row["valuation_usd"]), facts.valuation_usd, _close),
            "investors": scores["investors"].sets({norm_name(x) for x in json.loads(row["investors"] or "[]")},
                                                  {norm_name(x) for x in facts.investors}),
            "acquirer": scores["acquirer"].scalar(norm_name(row["acquirer"]), norm_name(facts.acquirer),
                                                  lambda g, p: g == p),
        }
        if errors and not ok[errors]:
            gold = {"amount": (row["amount"], row["currency"])}.get(errors, row.get(errors))
            pred = {"amount": (facts.amount, facts.currency)}.get(errors, getattr(facts, errors))
            print(f"  [{errors}] gold={gold!r} pred={pred!r} kind={facts.deal_kind} | {row['title'][:110]}")
    return {f: s.as_dict() for f, s in scores.items()}


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dev", type=Path, default=DEV)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--split", default="test", help="corpus split to score (default: test)")
    ap.add_argument("--errors", choices=FIELDS, help="print the rows a field gets wrong (auto mode)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    results: dict[str, dict] = {}
    if args.dev.exists():
        rows = _read(args.dev)
        results["techcrunch_dev/title/auto"] = score_rows(rows, False, False, args.errors)
        results["techcrunch_dev/title/signal"] = score_rows(rows, False, True)
    else:
        logger.info("skipping the TechCrunch dev set: %s not found", args.dev)
    if args.corpus.exists():
        rows = [r for r in _read(args.corpus) if r.get("split") == args.split]
        name = f"corpus_{args.split}"
        results[f"{name}/title/auto"] = score_rows(rows, False, False)
        results[f"{name}/title+body/auto"] = score_rows(rows, True, False, args.errors)
        results[f"{name}/title/signal"] = score_rows(rows, False, True)
        results[f"{name}/title+body/signal"] = score_rows(rows, True, True)
    else:
        logger.info("skipping the corpus: %s not found", args.corpus)
    if not results:
        logger.info("no dataset found; nothing to score")
        return 0

    header = f"{'dataset':34} {'field':14} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>4}"
    print(header)
    print("-" * len(header))
    for name, fields in results.items():
        for fname, s in fields.items():
            print(f"{name:34} {fname:14} {s['tp']:4d} {s['fp']:4d} {s['fn']:4d} {s['precision']:6.3f} "
                  f"{s['recall']:6.3f} {s['f1']:6.3f} {s['n']:4d}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    logger.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
