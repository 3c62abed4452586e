"""Read a small CSV/JSONL file of articles (title, optional body) for extract/predict commands."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dealradar.errors import InputError
from etl.readers import detect_format, read_csv, read_json, read_jsonl, read_parquet
from etl.records import parse_mapping, resolve_columns


def read_articles_file(path: str | Path, mapping: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows, texts): the file's rows as read, and a frame of title/body/published for each row."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    fmt = detect_format(str(p))
    readers = {"csv": read_csv, "tsv": read_csv, "json": read_json, "jsonl": read_jsonl, "parquet": read_parquet}
    if fmt not in readers:
        raise InputError(f"{p}: expected a CSV, TSV, JSON, JSONL or Parquet file")
    records = [r for r in readers[fmt](p)]
    bad = [r for r in records if r.data is None]
    if bad:
        raise InputError(f"{p}: record {bad[0].position} is malformed ({bad[0].error})")
    rows = pd.DataFrame([r.data for r in records])
    if rows.empty:
        raise InputError(f"{p}: no rows")
    cols = resolve_columns(list(rows.columns), parse_mapping(mapping))
    if "title" not in cols:
        raise InputError(f"{p}: no title column (columns: {', '.join(rows.columns)}); use --map title=COLUMN")
    texts = pd.DataFrame({
        "title": rows[cols["title"]].fillna("").astype(str),
        "body": rows[cols["body"]].fillna("").astype(str) if "body" in cols else "",
        "published": rows[cols["published"]] if "published" in cols else None,
    })
    return rows, texts


def writable_path(out: str | Path) -> Path:
    """An output file path whose folder exists (created if needed)."""
    p = Path(out)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{p}: cannot create its folder ({e.strerror})") from e
    return p
