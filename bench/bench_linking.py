#!/usr/bin/env python3
"""Benchmark CompanyLinker on a synthetic 100,000-company registry.

Usage (from the repository root):
    python bench/bench_linking.py [--companies 100000] [--texts 2000] [--seed 7]

Builds a registry of invented, pronounceable company names (about a third
with an alias), times building the linker, then times ``find_mentions`` and
``main_company`` on synthetic headlines that embed known names (some with a
one-letter typo, to exercise fuzzy matching). Prints the numbers and writes
bench/results/linking.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from etl.linking import CompanyLinker  # noqa: E402

SYLLABLES = ["ka", "ze", "lo", "mi", "tra", "vo", "nex", "qui", "ro", "sa", "bel", "dor", "fin", "gar", "hal", "jor", "kel", "lum", "mor", "nor", "pal", "ruv", "sol", "tek", "ul", "var", "wen", "xan", "yor", "zul", "bra", "cro", "dri", "flo", "gri", "pla", "stu", "thra", "vex", "zor", "lix", "mav", "nuv", "ox", "pry", "qua", "rhe", "syl", "tov", "ury", "vak", "wyl"]
SUFFIXES = ["", "", "", " Labs", " AI", " Health", " Robotics", " Pay", " Technologies", " Systems"]
KINDS = ["startup"] * 8 + ["investor", "other"]
TEMPLATES = [
    "{a} raises $40M Series B to expand its platform",
    "{a} is acquired by {b} in an all-stock deal",
    "{b} to acquire {a} for $1.2 billion",
    "Sequoia-backed {a} lands $12M seed round",
    "{b} backs {a} in a $25M round",
    "Why {a} and {b} are betting on the same market",
    "{a} lays off 10% of staff after slow quarter",
]


def make_name(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
    return word.capitalize() + rng.choice(SUFFIXES)


def make_registry(n: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    seen: set[str] = set()
    rows = []
    while len(rows) < n:
        name = make_name(rng)
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        alias = ""
        if rng.random() < 0.33:
            alias = make_name(rng).split()[0] + "ly"
            if alias.lower() in seen:
                alias = ""
            else:
                seen.add(alias.lower())
        rows.append((f"c{len(rows):06d}", name, alias, rng.choice(KINDS)))
    return rows


def typo(name: str, rng: random.Random) -> str:
    word = name.split()[0]
    if len(word) < 8:
        return name
    i = rng.randrange(2, len(word) - 1)
    return name.replace(word, word[:i] + word[i + 1:], 1)  # drop one letter


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--texts", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "linking.json")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)

    registry = make_registry(args.companies, rng)

    t0 = time.perf_counter()
    linker = CompanyLinker(registry)
    build_s = time.perf_counter() - t0

    texts: list[tuple[str, str]] = []  # (text, expected company_id of {a})
    typo_texts: list[tuple[str, str]] = []
    for _ in range(args.texts):
        a = rng.choice(registry)
        b = rng.choice(registry)
        tmpl = rng.choice(TEMPLATES)
        texts.append((tmpl.format(a=a[1], b=b[1]), a[0]))
        if len(typo_texts) < args.texts // 4:
            t = typo(a[1], rng)
            if t != a[1]:
                typo_texts.append((tmpl.format(a=t, b=b[1]), a[0]))

    def timed(fn, items):  # type: ignore[no-untyped-def]
        per: list[float] = []
        hits = 0
        for text, gold in items:
            s = time.perf_counter()
            out = fn(text)
            per.append(time.perf_counter() - s)
            ids = [m.company_id for m in out] if isinstance(out, list) else (
                [out.company_id] if out is not None else [])
            hits += gold in ids
        return per, hits

    per_find, found = timed(linker.find_mentions, texts)
    per_main, main_hits = timed(linker.main_company, texts)
    per_typo, typo_found = timed(linker.find_mentions, typo_texts)

    exact_only = CompanyLinker(registry, enable_fuzzy=False)
    per_nofuzzy, _ = timed(exact_only.find_mentions, texts)

    def ms(xs: list[float]) -> dict[str, float]:
        xs_sorted = sorted(xs)
        return {
            "mean_ms": round(statistics.mean(xs) * 1000, 3),
            "p50_ms": round(xs_sorted[len(xs) // 2] * 1000, 3),
            "p95_ms": round(xs_sorted[int(len(xs) * 0.95)] * 1000, 3),
            "texts_per_s": round(len(xs) / sum(xs), 1),
        }

    results = {
        "registry_companies": args.companies,
        "indexed_keys": len(linker._keys),
        "build_s": round(build_s, 3),
        "texts": len(texts),
        "find_mentions": ms(per_find) | {"recall_of_embedded_name": round(found / len(texts), 4)},
        "find_mentions_exact_only": ms(per_nofuzzy),
        "main_company": ms(per_main) | {"accuracy_subject": round(main_hits / len(texts), 4)},
        "fuzzy_typo_texts": len(typo_texts),
        "find_mentions_typo": ms(per_typo) | {
            "recall_of_misspelt_name": round(typo_found / max(1, len(typo_texts)), 4)
        },
        "python": platform.python_version(),
        "machine": platform.machine(),
        "seed": args.seed,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
