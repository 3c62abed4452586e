"""Ingest sources into the warehouse: read, normalise, de-duplicate, load in transactional batches.

The warehouse is opened per batch (see dealradar.warehouse.connection), so a dashboard
or another command can use it between batches of a long ingest.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tqdm import tqdm

from dealradar.errors import InputError
from dealradar.warehouse import open_warehouse
from etl.fetch import fetch
from etl.load import Reject, finish_run, load_batch, start_run, utcnow
from etl.readers import (
    MAX_RAW,
    RawRecord,
    detect_format,
    read_csv,
    read_feed,
    read_html,
    read_html_folder,
    read_json,
    read_jsonl,
    read_parquet,
)
from etl.records import Article, resolve_columns, to_article

log = logging.getLogger(__name__)


@dataclass
class IngestOptions:
    """How to read and load one source."""

    fmt: str | None = None
    source_name: str | None = None
    mapping: dict | None = None
    since: datetime | None = None
    dayfirst: bool = False
    batch_size: int = 2_000
    extract: bool = True
    link: bool = True
    progress: bool = True


def _records(source: str, fmt: str, db_path: str | Path | None) -> Iterator[RawRecord]:
    is_url = source.startswith(("http://", "https://"))
    if fmt in ("csv", "tsv"):
        if is_url:
            raise InputError(f"{source}: download CSV files first, then ingest the file")
        yield from read_csv(Path(source), "\t" if fmt == "tsv" else None)
    elif fmt == "json":
        yield from read_json(Path(source))
    elif fmt == "jsonl":
        yield from read_jsonl(Path(source))
    elif fmt == "parquet":
        yield from read_parquet(Path(source))
    elif fmt == "feed":
        if is_url:
            yield from _read_feed_url(source, db_path)
        else:
            yield from read_feed(Path(source).read_bytes(), source)
    elif fmt == "html":
        if is_url:
            res = fetch(source)
            yield read_html(res.content, source, url=source)
        elif Path(source).is_dir():
            yield from read_html_folder(Path(source))
        else:
            yield read_html(Path(source).read_bytes(), source)
    else:
        raise InputError(f"unknown format {fmt!r}")


def _read_feed_url(url: str, db_path: str | Path | None) -> Iterator[RawRecord]:
    with open_warehouse(db_path) as con:
        row = con.execute("SELECT etag, last_modified FROM feed_state WHERE url = ?", [url]).fetchone()
    etag, modified = row if row else (None, None)
    res = fetch(url, etag=etag, last_modified=modified)
    with open_warehouse(db_path) as con:
        con.execute(
            "INSERT OR REPLACE INTO feed_state VALUES (?, ?, ?, ?)",
            [url, res.etag or etag, res.last_modified or modified, utcnow()],
        )
    if res.not_modified:
        log.info("%s: not modified since last poll", url)
        return
    yield from read_feed(res.content, url)


def _expand(sources: list[str]) -> list[str]:
    out = []
    for s in sources:
        if s.startswith(("http://", "https://")):
            out.append(s)
            continue
        p = Path(s)
        if not p.exists():
            raise InputError(f"{s}: no such file or folder")
        if p.suffix.lower() in (".txt", ".urls", ".list") and p.is_file():
            out.extend(line.strip() for line in p.read_text(encoding="utf-8").splitlines()
                       if line.strip().startswith(("http://", "https://")))
        else:
            out.append(s)
    return out


def ingest(
    db_path: str | Path | None,
    sources: list[str],
    options: IngestOptions | None = None,
    on_batch: Callable[[dict], None] | None = None,
) -> list[dict]:
    """Ingest each source; return one summary dict per run (source, read, loaded, duplicates, rejected)."""
    opts = options or IngestOptions()
    summaries = []
    for source in _expand(sources):
        summaries.append(_ingest_one(db_path, source, opts, on_batch))
    return summaries


def _ingest_one(db_path, source: str, opts: IngestOptions, on_batch) -> dict:
    fmt = opts.fmt or detect_format(source)
    name = opts.source_name or source
    linker = None
    with open_warehouse(db_path) as con:
        run_id = start_run(con, name, fmt)
        if opts.extract and opts.link:
            from etl.companies import ensure_registry, linker_for

            ensure_registry(con)
            linker = linker_for(con)
    articles: list[Article] = []
    rejects: list[Reject] = []
    columns: dict[str, str] | None = None
    ids: list[int] = []
    bar = tqdm(desc=f"ingest {Path(source).name or source}", unit=" rows", disable=not opts.progress,
               leave=False)
    status, message = "completed", None

    def flush() -> None:
        nonlocal articles, rejects
        if not articles and not rejects:
            return
        with open_warehouse(db_path) as con:
            res = load_batch(con, run_id, name, articles, rejects, extract=opts.extract, linker=linker)
        ids.extend(res.article_ids)
        if on_batch:
            on_batch({"read": res.read, "loaded": res.loaded})
        articles, rejects = [], []

    try:
        for rec in _records(source, fmt, db_path):
            bar.update(1)
            if rec.data is None:
                rejects.append(Reject(rec.position, rec.error or "unreadable record", rec.raw))
            else:
                if columns is None or fmt in ("json", "jsonl", "parquet"):
                    columns = columns if columns and set(columns.values()) <= set(rec.data) else \
                        resolve_columns(list(rec.data), opts.mapping)
                out = to_article(rec.position, rec.data, columns, default_outlet=None, dayfirst=opts.dayfirst)
                if isinstance(out, str):
                    rejects.append(Reject(rec.position, out, _raw(rec)))
                elif opts.since and out.published_at and out.published_at < opts.since:
                    rejects.append(Reject(rec.position, f"published before --since {opts.since:%Y-%m-%d}", _raw(rec)))
                else:
                    articles.append(out)
            if len(articles) + len(rejects) >= opts.batch_size:
                flush()
        flush()
    except InputError as e:
        status, message = "failed", str(e)
        raise
    except Exception as e:
        status, message = "failed", f"{type(e).__name__}: {e}"
        raise
    finally:
        bar.close()
        with open_warehouse(db_path) as con:
            summary = finish_run(con, run_id, status, message)
    summary["article_ids"] = ids
    log.info("ingested %s: read %d, loaded %d, duplicates %d, rejected %d", source, summary["read"],
             summary["loaded"], summary["duplicates"], summary["rejected"])
    return summary


def _raw(rec: RawRecord) -> str:
    if rec.raw:
        return rec.raw
    try:
        return json.dumps(rec.data, ensure_ascii=False, default=str)[:MAX_RAW]
    except (TypeError, ValueError):
        return str(rec.data)[:MAX_RAW]
