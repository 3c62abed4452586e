"""Regenerate data/taxonomy/taxonomy.json from data/taxonomy/TAXONOMY.md (verbatim ids, names, definitions).

Usage: python scripts/build_taxonomy.py [path/to/TAXONOMY.md]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _rows(section: str) -> list[list[str]]:
    rows = []
    for line in section.splitlines():
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append(cells)
    return rows[1:]  # drop header


def _paragraph_after(md: str, marker: str) -> str:
    idx = md.index(marker)
    tail = md[idx:]
    para = tail.split("\n\n")[0]
    return " ".join(para.split())


def parse(md: str) -> dict:
    """Parse TAXONOMY.md into the taxonomy data structure."""
    version = int(re.search(r"# Taxonomy v(\d+)", md).group(1))
    sec_part = md.split("## Sectors")[1].split("## Funding signals")[0]
    sig_part = md.split("## Funding signals")[1].split("## Funding facts")[0]
    fact_part = md.split("## Funding facts")[1]
    sectors = [
        {"id": r[0].strip("`"), "name": r[1], "definition": r[2]} for r in _rows(sec_part)
    ]
    signals = [
        {"id": r[0].strip("`"), "meaning": r[1], "examples": r[2]} for r in _rows(sig_part)
    ]
    facts = [{"field": r[0].strip("`"), "meaning": r[1]} for r in _rows(fact_part)]
    stage_cell = next(f for f in facts if f["field"] == "round_stage")["meaning"]
    named = re.findall(r"`([a-z_]+)`", stage_cell)
    stages = []
    for s in named:
        stages.append(s)
        if s == "series_a":
            stages.extend(f"series_{c}" for c in "bcdefg")
    return {
        "version": version,
        "source": "TAXONOMY.md",
        "sectors": sectors,
        "signals": signals,
        "round_stages": stages,
        "deal_signals": ["funding_round", "vc_fund", "acquisition", "ipo"],
        "fact_fields": facts,
        "sector_tie_breaks": _paragraph_after(md, "Tie-breaks: a company's"),
        "signal_tie_breaks": _paragraph_after(md, "Tie-breaks: when an article"),
    }


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data/taxonomy/TAXONOMY.md"
    data = parse(src.read_text(encoding="utf-8"))
    out = ROOT / "data/taxonomy/taxonomy.json"
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(data['sectors'])} sectors, {len(data['signals'])} signals, "
          f"{len(data['round_stages'])} stages")


if __name__ == "__main__":
    main()
