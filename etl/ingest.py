"""Ingest sources into the warehouse: read, normalise, de-duplicate, load in transactional batches.

The warehouse is opened per unit of work (see dealradar.warehouse.connection), so a dashboard
or another command can use it between units of a long ingest.

Two paths give the same rows, rejects, positions and counts:

* the bulk path, for local CSV/TSV (UTF-8, one record a line) and Parquet files: DuckDB (or pyarrow)
  reads the file in windows of ~100k records on a reader thread and normalises them in SQL, handing
  the few rows SQL cannot provably normalise like Python to `etl.records.to_article`; the loader then
  de-duplicates a window against the warehouse with one join, and writes it batch by batch, one
  transaction a batch. Deal facts are extracted in a process pool, with no warehouse connection open,
  while the previous window is written. Should DuckDB refuse a row of the file (a malformed record),
  the row-by-row path takes over after the last loaded record.
* the row-by-row path for everything else: JSON, JSONL, feeds, HTML, other encodings.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from dealradar.errors import InputError
from dealradar.warehouse import open_warehouse
from etl.fetch import fetch
from etl.load import (
    Reject,
    RunKeys,
    extract_rows,
    finish_run,
    load_batch,
    load_window_batch,
    mark_stale_runs,
    plan_window,
    start_run,
    utcnow,
    window_hits,
)
from etl.normalize import normalise_sql, plain_text_mask, unicode_tables, utf8_safe
from etl.readers import (
    MAX_RAW,
    BulkSource,
    RawRecord,
    bulk_csv,
    bulk_parquet,
    csv_duckdb_sql,
    detect_format,
    iter_csv_record_lines,
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

FAST_PATH = True          # False: every source row by row (tests compare the two paths)
WINDOW_ROWS = 122_880     # records read, normalised and de-duplicated together on the bulk path (a row group)
ROW_BATCH = 2_000         # records a transaction on the row-by-row path, unless IngestOptions.batch_size
READ_ROWS = 16_384        # records per Arrow batch from the file
POOL_MIN_ROWS = 10_000    # extract in worker processes from this many new articles a window
MAX_WORKERS = 4
READER_THREADS = 1        # DuckDB threads reading and normalising (the loader writes on another core)


@dataclass
class IngestOptions:
    """How to read and load one source."""

    fmt: str | None = None
    source_name: str | None = None
    mapping: dict | None = None
    since: datetime | None = None
    dayfirst: bool = False
    batch_size: int | None = None  # records a transaction; None: ROW_BATCH row by row, WINDOW_ROWS in bulk
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
    """Ingest each source; return one summary dict per run (source, read, loaded, duplicates, rejected).

    Runs left 'running' by an ingest process that has since died (killed, crashed) are marked failed first.
    """
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise RuntimeError("ingest() called while a worker process re-imports the main module: guard the "
                           "script's entry point with `if __name__ == '__main__':`")
    opts = options or IngestOptions()
    expanded = _expand(sources)
    summaries = []
    extractor = _Extractor()
    try:
        for source in expanded:
            summaries.append(_ingest_one(db_path, source, opts, on_batch, extractor))
    finally:
        extractor.close()
    return summaries


def _naive_utc(dt: datetime | None) -> datetime | None:
    if dt is not None and dt.tzinfo is not None:
        return dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt


@dataclass
class _Run:
    """What every batch of one run needs."""

    db_path: str | Path | None
    run_id: int
    name: str
    opts: IngestOptions
    since: datetime | None
    linker: object
    on_batch: Callable[[dict], None] | None
    bar: tqdm
    ids: list[int]

    def batch_done(self, read: int, loaded: int, article_ids: list[int]) -> None:
        self.ids.extend(article_ids)
        self.bar.update(read)
        if self.on_batch:
            self.on_batch({"read": read, "loaded": loaded})


def _ingest_one(db_path, source: str, opts: IngestOptions, on_batch, extractor: _Extractor | None = None) -> dict:
    fmt = opts.fmt or detect_format(source)
    name = opts.source_name or source
    linker = None
    with open_warehouse(db_path) as con:
        mark_stale_runs(con)
        run_id = start_run(con, name, fmt)
        if opts.extract and opts.link:
            from etl.companies import ensure_registry, linker_for

            ensure_registry(con)
            linker = linker_for(con)
    bar = tqdm(desc=f"ingest {Path(source).name or source}", unit=" rows", disable=not opts.progress,
               leave=False)
    run = _Run(db_path, run_id, name, opts, _naive_utc(opts.since), linker, on_batch, bar, [])
    status, message = "completed", None
    try:
        resume_after = 0
        src = _bulk_source(source, fmt, opts) if FAST_PATH else None
        if src is not None:
            resume_after = _ingest_bulk(run, src, extractor or _Extractor())
        if resume_after is not None:
            _ingest_rows(run, source, fmt, resume_after)
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
    summary["article_ids"] = run.ids
    log.info("ingested %s: read %d, loaded %d, duplicates %d, rejected %d", source, summary["read"],
             summary["loaded"], summary["duplicates"], summary["rejected"])
    return summary


# --- the row-by-row path ----------------------------------------------------------------------------

def _ingest_rows(run: _Run, source: str, fmt: str, skip_through: int = 0) -> None:
    """Read, normalise and load record by record; records at positions <= `skip_through` are already loaded."""
    opts = run.opts
    batch_size = max(1, int(opts.batch_size or ROW_BATCH))
    articles: list[Article] = []
    rejects: list[Reject] = []
    columns: dict[str, str] | None = None

    def flush() -> None:
        nonlocal articles, rejects
        if not articles and not rejects:
            return
        with open_warehouse(run.db_path) as con:
            res = load_batch(con, run.run_id, run.name, articles, rejects, extract=opts.extract, linker=run.linker)
        run.batch_done(res.read, res.loaded, res.article_ids)
        articles, rejects = [], []

    for rec in _records(source, fmt, run.db_path):
        if rec.position <= skip_through:
            continue
        if rec.data is None:
            rejects.append(Reject(rec.position, rec.error or "unreadable record", utf8_safe(rec.raw)))
        else:
            if columns is None or fmt in ("json", "jsonl", "parquet"):
                columns = columns if columns and set(columns.values()) <= set(rec.data) else \
                    resolve_columns(list(rec.data), opts.mapping)
            out = to_article(rec.position, rec.data, columns, default_outlet=None, dayfirst=opts.dayfirst)
            if isinstance(out, str):
                rejects.append(Reject(rec.position, out, _raw(rec)))
            elif run.since and out.published_at and out.published_at < run.since:
                rejects.append(Reject(rec.position, f"published before --since {run.since:%Y-%m-%d}", _raw(rec)))
            else:
                articles.append(out)
        if len(articles) + len(rejects) >= batch_size:
            flush()
    flush()


def _raw(rec: RawRecord) -> str:
    if rec.raw:
        return utf8_safe(rec.raw)
    try:
        return utf8_safe(json.dumps(rec.data, ensure_ascii=False, default=str)[:MAX_RAW])
    except (TypeError, ValueError):
        return utf8_safe(str(rec.data)[:MAX_RAW])


# --- the bulk path ----------------------------------------------------------------------------------

def _bulk_source(source: str, fmt: str, opts: IngestOptions) -> tuple[BulkSource, dict[str, str]] | None:
    """The bulk reading of a source and its column mapping, or None for the row-by-row path."""
    path = Path(source)
    if source.startswith(("http://", "https://")) or not path.is_file() or fmt not in ("csv", "tsv", "parquet"):
        return None
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            names = pq.ParquetFile(path).schema_arrow.names
        except Exception as e:  # pyarrow raises several types for a bad file
            raise InputError(f"{path}: not a readable Parquet file ({e})") from e
        try:
            columns = resolve_columns(list(names), opts.mapping)
        except InputError:  # raised by the row-by-row path at the first record, if there is one
            return None
        src = bulk_parquet(path, columns)
    else:
        src = bulk_csv(path, fmt)
        if src is None:
            return None
        try:
            columns = resolve_columns(src.columns, opts.mapping)
        except InputError:
            return None
    return (src, columns) if src is not None else None


@dataclass
class _Window:
    """A window of normalised records (WINDOW_COLUMNS, position order) ready to load."""

    table: pa.Table
    ok: np.ndarray       # not rejected
    multi: np.ndarray    # accepted, and its hash or canonical URL is on another accepted row of the window
    last_pos: int
    content_key: np.ndarray  # DuckDB hash() of content_hash, canonical_url (see etl.load.RunKeys)
    url_key: np.ndarray
    has_url: np.ndarray


def _repeated(keys: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """True for the valid rows whose key is on another valid row (a 64-bit hash: the few colliding rows
    are only looked at more closely)."""
    k = np.sort(keys[valid])
    dup = k[1:][k[1:] == k[:-1]]
    if not len(dup):
        return np.zeros(len(keys), dtype=bool)
    return valid & np.isin(keys, dup)


class _NotBulk:
    """The file cannot be read in bulk with the row-by-row reader's records and line numbers."""


class _NotBulkError(Exception):
    """Raised on the reader thread: nothing can be read in bulk."""


class _ReadFailed(Exception):
    """DuckDB refused a record of the file: the row-by-row reader takes over."""


class _BulkReader:
    """Reads a BulkSource window by window on a thread and normalises each window, one ahead of the loader."""

    def __init__(self, src: BulkSource, columns: dict[str, str], window: int, since: datetime | None,
                 dayfirst: bool, record_lines: _RecordLines | None = None):
        self.src, self.columns, self.window, self.since, self.dayfirst = src, columns, window, since, dayfirst
        self.record_lines = record_lines  # CSV: the line number of each record (header first)
        self.rows = 0
        names = [f"c{i}" for i in range(len(src.columns))] if src.fmt == "csv" else src.columns
        self.names = names
        by_name = dict(zip(src.columns, names, strict=True))
        self.by_field = {f: by_name[c] for f, c in columns.items()}
        self.text_columns = [(by_name[columns[f]], f in ("title", "body"), f == "title")
                             for f in ("title", "body", "url", "outlet", "author") if f in columns]
        self.sql = normalise_sql({f: '"' + by_name[c].replace('"', '""') + '"' for f, c in columns.items()},
                                 src.published_kind, since)
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._con = duckdb.connect(config={"threads": READER_THREADS})
        self._thread = threading.Thread(target=self._run, name="dealradar-bulk-reader", daemon=True)
        self._thread.start()

    def __iter__(self) -> Iterator[_Window | _NotBulk]:
        while True:
            item = self._queue.get()
            self._queue.task_done()  # the reader thread starts on the next window now (see _put)
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        try:
            self._con.interrupt()
        except duckdb.Error:
            pass
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=0.05)
                self._queue.task_done()
            except queue.Empty:
                pass
        self._con.close()

    def _put(self, item) -> bool:
        """Hand an item to the loader and wait until it takes it: at most two windows are in memory, the one
        being loaded and the one being read and normalised."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                break
            except queue.Full:
                continue
        else:
            return False
        self._queue.join()
        return not self._stop.is_set()

    def _batches(self) -> Iterator[pa.RecordBatch]:
        if self.src.fmt == "csv":
            try:
                reader = self._con.sql(csv_duckdb_sql(self.src)).to_arrow_reader(READ_ROWS)
                while True:
                    try:
                        batch = reader.read_next_batch()
                    except StopIteration:
                        return
                    yield batch
            except (duckdb.Error, pa.ArrowException, OSError) as e:
                raise _ReadFailed(str(e).splitlines()[0] if str(e) else type(e).__name__) from e
        else:
            import pyarrow.parquet as pq

            yield from pq.ParquetFile(self.src.path).iter_batches(batch_size=READ_ROWS)

    def _run(self) -> None:
        cur = self._con.cursor()
        try:
            pending: list[pa.RecordBatch] = []
            n = 0
            for batch in self._batches():
                if self._stop.is_set():
                    return
                pending.append(batch)
                n += batch.num_rows
                while n >= self.window:
                    table = pa.Table.from_batches(pending)
                    head, rest = table.slice(0, self.window), table.slice(self.window)
                    if not self._put(self._normalise(cur, head)):
                        return
                    pending, n = rest.to_batches(), rest.num_rows
            if n and not self._put(self._normalise(cur, pa.Table.from_batches(pending))):
                return
            if self.record_lines is not None:
                total = self.record_lines.total()
                if total is None:
                    raise _ReadFailed("DuckDB might read the end of the file differently")
                if self.rows != total - 1:
                    raise RuntimeError(f"{self.src.path}: DuckDB read {self.rows} records, the file has {total - 1}")
            self._put(None)
        except _NotBulkError:
            self._put(_NotBulk())
        except BaseException as e:  # handed to the loader's thread
            self._put(e)
        finally:
            cur.close()

    def _normalise(self, cur: duckdb.DuckDBPyConnection, raw: pa.Table) -> _Window:
        n = raw.num_rows
        if self.record_lines is not None:  # CSV: the line numbers, known once the scan gets there
            lines = self.record_lines.upto(1 + self.rows + n)
            if lines is None:
                if self.rows == 0:
                    raise _NotBulkError
                raise _ReadFailed(f"DuckDB might read the records after line {self.rows + 1} differently")
            positions = lines[1 + self.rows:].astype(np.int64)
        else:
            positions = np.arange(self.rows + 1, self.rows + n + 1, dtype=np.int64)
        self.rows += n
        messy = np.zeros(n, dtype=bool)
        for name, lowered, title in self.text_columns:
            messy |= plain_text_mask(raw.column(name), lowered=lowered, title=title)
        raw = raw.append_column("__pos", pa.array(positions)).append_column("__messy", pa.array(messy))
        cur.register("_raw", raw)
        try:
            out = cur.sql(self.sql).to_arrow_table()
        finally:
            cur.unregister("_raw")
        if not np.array_equal(out.column("pos").to_numpy(), positions):
            raise RuntimeError("bulk normalisation changed the order of the records")
        hard = out.column("hard").to_numpy(zero_copy_only=False)
        win = pa.table({
            "pos": out.column("pos"),
            "reason": out.column("reason"),
            "raw": pa.nulls(n, pa.string()),
            "external_id": out.column("external_id"),
            "outlet": out.column("outlet"),
            "author": out.column("author"),
            "url": self._text(raw, "url", n, empty=None),
            "canonical_url": out.column("canonical_url"),
            "title": self._text(raw, "title", n, empty=""),
            "body": self._text(raw, "body", n, empty=""),
            "published_at": out.column("published_at"),
            "date_flag": out.column("date_flag"),
            "content_hash": out.column("content_hash"),
        })
        if hard.any():
            win = self._python_rows(win, raw, hard)
        ok = pc.is_null(win.column("reason")).to_numpy(zero_copy_only=False)
        if not ok.all():
            win = self._reject_raw(win, raw, ok)
        cur.register("_win", win.select(["content_hash", "canonical_url"]))
        try:
            keys = cur.execute("SELECT hash(content_hash) AS h, hash(canonical_url) AS u, canonical_url IS NOT NULL AS v "
                               "FROM _win").fetchnumpy()
        finally:
            cur.unregister("_win")
        has_url = np.asarray(keys["v"], dtype=bool)
        multi = _repeated(keys["h"], ok) | _repeated(keys["u"], ok & has_url)
        return _Window(win, ok, multi, int(positions[-1]), np.asarray(keys["h"]), np.asarray(keys["u"]), has_url)

    def _text(self, raw: pa.Table, field: str, n: int, empty: str | None) -> pa.ChunkedArray | pa.Array:
        """A text field of plain rows: the source column as it is, nulls as `empty` ('' or, for None, '' as null)."""
        name = self.by_field.get(field)
        if name is None:
            return pa.nulls(n, pa.string()) if empty is None else pa.array([""] * n, pa.string())
        col = raw.column(name)
        if col.type != pa.string():
            col = pc.cast(col, pa.string())
        if empty is None:
            return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
        return pc.fill_null(col, empty)

    def _record(self, row: dict) -> dict:
        """A raw row as the row-by-row reader would have produced it."""
        if self.src.fmt == "csv":
            return {h: (row[c] if row[c] is not None else "") for h, c in zip(self.src.columns, self.names, strict=True)}
        return {k: v for k, v in row.items() if k not in ("__pos", "__messy")}

    def _python_rows(self, out: pa.Table, raw: pa.Table, hard: np.ndarray) -> pa.Table:
        """Normalise the hard rows with etl.records.to_article, like the row-by-row path."""
        idx = np.flatnonzero(hard)
        values: dict[str, list] = {c: [] for c in out.column_names}
        for row in raw.take(pa.array(idx)).to_pylist():
            pos = row["__pos"]
            art = to_article(pos, self._record(row), self.columns, default_outlet=None, dayfirst=self.dayfirst)
            if isinstance(art, str):
                rec = {c: None for c in values}
                rec.update(pos=pos, reason=art, title="", body="", content_hash="")
            else:
                rec = {c: getattr(art, c, None) for c in values}
                rec.update(pos=pos, reason=None, raw=None)
                if self.since and art.published_at and art.published_at < self.since:
                    rec["reason"] = f"published before --since {self.since:%Y-%m-%d}"
            for c in values:
                values[c].append(rec[c])
        mask = pa.array(hard)
        columns = []
        for name, field in zip(out.column_names, out.schema, strict=True):
            if name == "pos":
                columns.append(out.column(name))
                continue
            col = out.column(name)
            col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
            columns.append(pc.replace_with_mask(col, mask, pa.array(values[name], field.type)))
        return pa.Table.from_arrays(columns, schema=out.schema)

    def _reject_raw(self, out: pa.Table, raw: pa.Table, ok: np.ndarray) -> pa.Table:
        """The raw text of each rejected record, as the row-by-row path keeps it."""
        idx = np.flatnonzero(~ok)
        texts: list[str | None] = [None] * out.num_rows
        for i, row in zip(idx.tolist(), raw.take(pa.array(idx)).to_pylist(), strict=True):
            rec = self._record(row)
            text = self.src.delimiter.join(rec.values())[:MAX_RAW] if self.src.fmt == "csv" else ""
            if not text:
                try:
                    text = json.dumps(rec, ensure_ascii=False, default=str)[:MAX_RAW]
                except (TypeError, ValueError):
                    text = str(rec)[:MAX_RAW]
            texts[i] = utf8_safe(text)
        return out.set_column(out.column_names.index("raw"), "raw", pa.array(texts, pa.string()))


class _RecordLines:
    """The line numbers of a CSV file's records (header first), found on a thread while DuckDB reads the
    file, and waited for as the windows need them."""

    def __init__(self, path: Path, delimiter: str):
        self._parts: list[np.ndarray] = []
        self._lines = np.zeros(0, dtype=np.int64)
        self._n, self._done, self._ok, self._stop = 0, False, True, False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, args=(path, delimiter), name="dealradar-csv-lines",
                                        daemon=True)
        self._thread.start()

    def _run(self, path: Path, delimiter: str) -> None:
        try:
            for part in iter_csv_record_lines(path, delimiter):
                with self._cond:
                    if part is None:
                        self._ok = False
                        return
                    self._parts.append(part)
                    self._n += len(part)
                    self._cond.notify_all()
                if self._stop:
                    return
        except Exception:  # unreadable: the row-by-row reader will say why
            self._ok = False
        finally:
            with self._cond:
                self._done = True
                self._cond.notify_all()

    def upto(self, k: int) -> np.ndarray | None:
        """The first k line numbers, once known; None when the file stops being readable in bulk before."""
        with self._cond:
            self._cond.wait_for(lambda: self._n >= k or self._done)
            if self._n < k:
                return None
            if len(self._lines) < k:
                self._lines = np.concatenate([self._lines, *self._parts])
                self._parts = []
            return self._lines[:k]

    def total(self) -> int | None:
        with self._cond:
            self._cond.wait_for(lambda: self._done)
            return self._n if self._ok else None

    def close(self) -> None:
        self._stop = True
        self._thread.join()


def _ingest_bulk(run: _Run, bulk: tuple[BulkSource, dict[str, str]], extractor: _Extractor) -> int | None:
    """Load a source on the bulk path. Returns None when it is all loaded, else the position of the last
    record loaded, after which the row-by-row path goes on."""
    src, columns = bulk
    opts = run.opts
    bs = max(1, int(opts.batch_size or WINDOW_ROWS))
    window = bs * max(1, WINDOW_ROWS // bs)
    start = 1 if src.fmt == "csv" else 0
    lines = _RecordLines(src.path, src.delimiter) if src.fmt == "csv" else None
    threading.Thread(target=unicode_tables, daemon=True).start()  # for the first window, while the file is read
    reader = _BulkReader(src, columns, window, run.since, opts.dayfirst, lines)
    done = start
    keys = RunKeys()
    pending: tuple[_Window, _Job | None] | None = None
    try:
        try:
            for win in reader:
                if isinstance(win, _NotBulk):
                    log.info("%s: DuckDB might read it differently; reading it row by row", src.path)
                    return start
                if opts.extract:
                    job = _foresee(run, win, bs, extractor, keys)
                    if pending is not None:
                        done = _write_window(run, *pending, bs, keys)
                    pending = (win, job)
                else:
                    done = _write_window(run, win, None, bs, keys)
        except _ReadFailed as e:
            if pending is not None:
                done = _write_window(run, *pending, bs, keys)
            log.info("%s: %s; reading on row by row after record %d", src.path, e, done)
            return done
        if pending is not None:
            done = _write_window(run, *pending, bs, keys)
        return None
    finally:
        reader.close()
        if lines is not None:
            lines.close()


def _hits(con, run: _Run, win: _Window, keys: RunKeys) -> np.ndarray:
    return window_hits(con, win.table, win.ok, run.run_id, keys, win.content_key, win.url_key)


def _foresee(run: _Run, win: _Window, batch_size: int, extractor: _Extractor, keys: RunKeys) -> _Job | None:
    """Start extracting the deal facts of the rows of a window that will most likely load."""
    with open_warehouse(run.db_path) as con:
        hits = _hits(con, run, win, keys)
    fresh = plan_window(win.table, win.ok, win.multi, hits, batch_size)
    if not fresh.any():
        return None
    rows = win.table.filter(pa.array(fresh)).select(["pos", "title", "body", "published_at"]).to_pylist()
    return extractor.submit([r["pos"] for r in rows],
                            [(r["title"], r["body"], r["published_at"].date() if r["published_at"] else None)
                             for r in rows])


def _write_window(run: _Run, win: _Window, job: _Job | None, batch_size: int, keys: RunKeys) -> int:
    """De-duplicate a window against the warehouse and load it, one transaction a batch; return its last
    position. Deal facts foreseen by `job` are collected before the warehouse is opened."""
    facts = job.result() if job is not None else ({} if run.opts.extract else None)
    with open_warehouse(run.db_path) as con:
        hits = _hits(con, run, win, keys)
        fresh = plan_window(win.table, win.ok, win.multi, hits, batch_size)
        for lo in range(0, win.table.num_rows, batch_size):
            part = win.table.slice(lo, batch_size)
            res = load_window_batch(con, run.run_id, run.name, part, fresh[lo:lo + batch_size], facts=facts,
                                    linker=run.linker)
            run.batch_done(res.read, res.loaded, res.article_ids)
    positions = win.table.column("pos").to_numpy()
    keys.add(win.content_key[fresh], win.url_key[fresh], win.has_url[fresh], positions[fresh])
    return win.last_pos


class _Job:
    """Deal facts being extracted for some rows; `result()` gives {position: facts tuple}."""

    def __init__(self, keys: list[int], rows: list, futures: list[Future] | None):
        self.keys, self.rows, self.futures = keys, rows, futures

    def result(self) -> dict[int, tuple]:
        out = None
        if self.futures:
            try:
                out = [f for fut in self.futures for f in fut.result()]
            except BrokenProcessPool:
                log.warning("deal-fact workers failed; extracting in this process")
        if out is None:
            out = extract_rows(self.rows)
        return dict(zip(self.keys, out, strict=True))


class _Extractor:
    """Extracts deal facts in a pool of worker processes (started on first need), or in this process for
    a few rows or on one CPU."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self.workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
                           MAX_WORKERS)
        self._broken = False

    def submit(self, keys: list[int], rows: list) -> _Job:
        if len(rows) >= POOL_MIN_ROWS and self.workers > 1 and not self._broken:
            try:
                if self._pool is None:
                    self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
                step = max(500, -(-len(rows) // (self.workers * 4)))
                futures = [self._pool.submit(extract_rows, rows[i:i + step]) for i in range(0, len(rows), step)]
                return _Job(keys, rows, futures)
            except (OSError, RuntimeError, BrokenProcessPool) as e:
                log.warning("cannot start deal-fact workers (%s); extracting in this process", e)
                self._broken = True
        return _Job(keys, rows, None)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
