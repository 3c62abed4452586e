"""`dealradar extract`: deal facts of each row of a file, written as CSV, nothing loaded."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.extract import extract_facts
from etl.normalize import parse_timestamp
from etl.tabular import read_articles_file
from etl.tabular import writable_path as _writable


def extract_file(path: str | Path, out: str | Path, mapping: list[str] | None = None) -> int:
    """Write one row of facts (every TAXONOMY.md field plus evidence spans) per input row."""
    rows, texts = read_articles_file(path, mapping)
    facts = []
    for t, b, d in zip(texts["title"], texts["body"], texts["published"], strict=True):
        ts = parse_timestamp(d).value if d is not None else None
        facts.append(extract_facts(t, b, ts.date() if ts else None).as_row())
    result = pd.concat([rows.reset_index(drop=True), pd.DataFrame(facts).add_prefix("fact_")], axis=1)
    result.to_csv(_writable(out), index=False)
    return len(result)
