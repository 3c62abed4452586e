#!/usr/bin/env python3
"""Evaluate main-company linking against labelled headlines.

Usage (from the repository root):
    python bench/eval_linking.py [--datasets ../shared/datasets] [--verbose]

Sets (each skipped cleanly when absent):
  * ../shared/datasets/techcrunch_labelled_dev_2015_2017.csv: title only;
    gold = ``company`` (and ``acquirer`` for the buyer of acquisitions);
  * data/corpus/corpus.csv rows with split == "test": title + body; gold =
    ``company``.

A prediction is correct when the linked company's canonical name or one of
its aliases normalises (etl.linking.normalise) to the gold name.

Metrics, over rows that have a gold company:
  precision = correct / predicted, recall = correct / gold rows,
  coverage  = share of gold companies present in the registry (by name or
              alias), recall_if_covered = correct / covered gold rows.
Rows without a gold company only count as ``spurious_on_no_gold`` (the
linker named a company where the labels name none; informational, since
non-deal headlines carry no gold company by design).

Writes bench/results/linking_eval.json (numbers only: no headline text is
stored, because the datasets' sentences must not ship). --verbose prints the
misses to the terminal for local debugging.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from etl.linking import CompanyLinker, Mention, normalise  # noqa: E402

REGISTRY = REPO / "data" / "registry" / "companies.csv"
DEFAULT_DATASETS = REPO.parent / "shared" / "datasets"
DEV_FILE = "techcrunch_labelled_dev_2015_2017.csv"
CORPUS = REPO / "data" / "corpus" / "corpus.csv"


class NameBook:
    """All normalised names (canonical + aliases) per company id."""

    def __init__(self, registry_csv: Path) -> None:
        self.names: dict[str, set[str]] = {}
        self.all: set[str] = set()
        with registry_csv.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                keys = {normalise(row["name"])}
                keys |= {normalise(a) for a in row["aliases"].split("|") if a.strip()}
                keys.discard("")
                self.names[row["company_id"]] = keys
                self.all |= keys
        self.all_compact = self.all | {k.replace(" ", "") for k in self.all}

    @staticmethod
    def forms(name: str) -> set[str]:
        """Normalised gold forms, tolerant of spacing and a web suffix
        ("ParallelDots" = "Parallel Dots", "Ganji.com" = "Ganji")."""
        base = normalise(name)
        out = {base, base.replace(" ", "")}
        trimmed = re.sub(r"\s+(?:com|net|org|co|io|in)$", "", base)
        out |= {trimmed, trimmed.replace(" ", "")}
        return {f for f in out if f}

    def matches(self, mention: Mention | None, gold: str) -> bool:
        if mention is None:
            return False
        names = self.names.get(mention.company_id, set())
        names = names | {n.replace(" ", "") for n in names}
        return bool(self.forms(gold) & names)

    def covered(self, gold: str) -> bool:
        return bool(self.forms(gold) & self.all_compact)


def _clean(value: str | None) -> str:
    return (value or "").replace("\u00a0", " ").strip()


def score(rows: list[dict[str, str]], linker: CompanyLinker, book: NameBook,
          use_body: bool, verbose: bool, label: str) -> dict[str, object]:
    gold_rows = predicted = correct = covered = correct_covered = spurious = no_gold = 0
    acq_gold = acq_pred = acq_correct = acq_covered = 0
    t0 = time.perf_counter()
    for row in rows:
        title = _clean(row.get("title"))
        body = _clean(row.get("body")) if use_body else ""
        gold = _clean(row.get("company"))
        main = linker.main_company(title, body)
        if not gold:
            no_gold += 1
            spurious += main is not None
        else:
            gold_rows += 1
            is_cov = book.covered(gold)
            covered += is_cov
            if main is not None:
                predicted += 1
            ok = book.matches(main, gold)
            correct += ok
            correct_covered += ok and is_cov
            if verbose and not ok:
                print(f"[{label}] MISS gold={gold!r} cov={is_cov} "
                      f"pred={main.name if main else None!r} | {title}")
        buyer = _clean(row.get("acquirer"))
        if buyer and "acquirer" in row:
            acq_gold += 1
            acq_covered += book.covered(buyer)
            found = linker.roles(title)["acquirer"]
            acq_pred += found is not None
            acq_correct += book.matches(found, buyer)
            if verbose and not book.matches(found, buyer):
                print(f"[{label}] ACQ MISS gold={buyer!r} pred={found.name if found else None!r}")
    elapsed = time.perf_counter() - t0

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    out: dict[str, object] = {
        "rows": len(rows),
        "gold_rows": gold_rows,
        "predicted": predicted,
        "correct": correct,
        "precision": ratio(correct, predicted),
        "recall": ratio(correct, gold_rows),
        "coverage": ratio(covered, gold_rows),
        "recall_if_covered": ratio(correct_covered, covered),
        "rows_without_gold": no_gold,
        "spurious_on_no_gold": spurious,
        "seconds": round(elapsed, 3),
    }
    if acq_gold:
        out["acquirer"] = {
            "gold_rows": acq_gold,
            "predicted": acq_pred,
            "correct": acq_correct,
            "precision": ratio(acq_correct, acq_pred),
            "recall": ratio(acq_correct, acq_gold),
            "coverage": ratio(acq_covered, acq_gold),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    ap.add_argument("--registry", type=Path, default=REGISTRY)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "linking_eval.json")
    ap.add_argument("--verbose", action="store_true", help="print misses (local use only)")
    args = ap.parse_args(argv)

    if not args.registry.exists():
        print(f"registry missing: {args.registry}; nothing to evaluate")
        return 0
    t0 = time.perf_counter()
    linker = CompanyLinker.from_csv(args.registry)
    build_s = time.perf_counter() - t0
    book = NameBook(args.registry)
    results: dict[str, object] = {
        "registry_rows": len(book.names),
        "linker_build_s": round(build_s, 3),
    }

    dev = args.datasets / DEV_FILE
    if dev.exists():
        with dev.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        results["techcrunch_dev_2015_2017"] = score(rows, linker, book, False, args.verbose, "dev")
    else:
        print(f"skipped: {dev} not found")
        results["techcrunch_dev_2015_2017"] = "skipped: dataset absent"

    if CORPUS.exists():
        with CORPUS.open(newline="", encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if r.get("split") == "test"]
        results["corpus_test"] = (
            score(rows, linker, book, True, args.verbose, "corpus") if rows
            else "skipped: no split=='test' rows"
        )
    else:
        print(f"skipped: {CORPUS} not found")
        results["corpus_test"] = "skipped: corpus absent"

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
