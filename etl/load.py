"""Load normalised articles into the warehouse: runs, de-duplication, rejects, one transaction a batch."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.records import Article

log = logging.getLogger(__name__)

ARTICLE_COLS = ["position", "external_id", "outlet", "author", "url", "canonical_url", "title", "body",
                "published_at", "date_flag", "content_hash"]


def utcnow() -> datetime:
    """Naive UTC now, as stored in the warehouse."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass
class Reject:
    """A record that could not load, with why."""

    position: int | None
    reason: str
    raw: str


@dataclass
class BatchResult:
    """What one batch did."""

    read: int = 0
    loaded: int = 0
    duplicates: int = 0
    rejected: int = 0
    article_ids: list[int] = field(default_factory=list)


def _proc_start(pid: int) -> str | None:
    """A process's start time in clock ticks since boot (Linux), to tell a reused pid from the original."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    if fields and fields[0] in ("Z", "X"):  # a zombie or dead process has finished
        return "dead"
    return fields[19] if len(fields) > 19 else None


def run_owner() -> str:
    """Who is running an ingest, as kept in ingest_runs.message while the run is open."""
    return f"pid {os.getpid()} start {_proc_start(os.getpid()) or '?'} on {socket.gethostname()}"


_OWNER = re.compile(r"^running: pid (\d+) start (\S+) on (\S+)")


def _process_gone(pid: int, start: str) -> bool:
    if os.name != "posix":
        return False  # cannot tell safely
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    except OSError:
        return False
    now = _proc_start(pid)
    return now == "dead" or (now is not None and start != "?" and now != start)


def mark_stale_runs(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Close as failed every 'running' run whose process, on this machine, has ended (killed, crashed).

    Their counts stay as the committed batches left them, so they still balance. Runs started on
    another machine, or before runs recorded their process, are left alone.
    """
    host = socket.gethostname()
    stale = []
    for run_id, message in con.execute(
            "SELECT run_id, message FROM ingest_runs WHERE status = 'running' ORDER BY run_id").fetchall():
        m = _OWNER.match(message or "")
        if not m or m.group(3) != host or not _process_gone(int(m.group(1)), m.group(2)):
            continue
        con.execute(
            "UPDATE ingest_runs SET status = 'failed', finished_at = ?, message = ? WHERE run_id = ? AND status = 'running'",
            [utcnow(), f"interrupted: process {m.group(1)} ended before the run finished; the batches it "
                       "committed are kept (marked failed by a later ingest)", run_id],
        )
        stale.append(int(run_id))
    if stale:
        log.warning("marked interrupted ingest runs %s as failed", stale)
    return stale


def start_run(con: duckdb.DuckDBPyConnection, source: str, fmt: str) -> int:
    """Record the start of an ingest run (and the process running it) and return its id."""
    run_id = con.execute("SELECT nextval('seq_run_id')").fetchone()[0]
    con.execute(
        "INSERT INTO ingest_runs (run_id, source, format, started_at, status, message) VALUES (?, ?, ?, ?, 'running', ?)",
        [run_id, source, fmt, utcnow(), f"running: {run_owner()}"],
    )
    return int(run_id)


def finish_run(con: duckdb.DuckDBPyConnection, run_id: int, status: str, message: str | None = None) -> dict:
    """Close a run and return its counts."""
    con.execute(
        "UPDATE ingest_runs SET finished_at = ?, status = ?, message = ? WHERE run_id = ?",
        [utcnow(), status, message, run_id],
    )
    row = con.execute(
        "SELECT run_id, source, n_read, n_loaded, n_duplicates, n_rejected, status FROM ingest_runs WHERE run_id = ?",
        [run_id],
    ).fetchone()
    keys = ["run_id", "source", "read", "loaded", "duplicates", "rejected", "status"]
    return dict(zip(keys, row, strict=True))


def load_batch(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    source: str,
    articles: list[Article],
    rejects: list[Reject],
    *,
    extract: bool = True,
    linker=None,
) -> BatchResult:
    """Insert one batch in one transaction: new articles, their deal facts, rejects and run counts.

    An article whose canonical URL or content hash is already in the warehouse (or earlier
    in the batch) counts as a duplicate. Counts balance: read = loaded + duplicates + rejected.
    """
    res = BatchResult(read=len(articles) + len(rejects), rejected=len(rejects))
    now = utcnow()
    con.execute("BEGIN TRANSACTION")
    try:
        fresh: list[Article] = []
        if articles:
            seen_hash: set[str] = set()
            seen_url: set[str] = set()
            unique: list[Article] = []
            for a in articles:
                if a.content_hash in seen_hash or (a.canonical_url and a.canonical_url in seen_url):
                    continue
                seen_hash.add(a.content_hash)
                if a.canonical_url:
                    seen_url.add(a.canonical_url)
                unique.append(a)
            df = pd.DataFrame([{c: getattr(a, c) for c in ARTICLE_COLS} for a in unique], columns=ARTICLE_COLS)
            df["published_at"] = pd.to_datetime(df["published_at"])
            con.register("_batch", df)
            existing = con.execute(
                """
                SELECT b.content_hash FROM _batch b
                WHERE EXISTS (SELECT 1 FROM articles a WHERE a.content_hash = b.content_hash)
                   OR (b.canonical_url IS NOT NULL AND EXISTS
                       (SELECT 1 FROM articles a WHERE a.canonical_url = b.canonical_url))
                """
            ).fetchall()
            dup = {r[0] for r in existing}
            fresh = [a for a in unique if a.content_hash not in dup]
            con.unregister("_batch")
            res.duplicates = len(articles) - len(fresh)
            if fresh:
                fdf = pd.DataFrame([{c: getattr(a, c) for c in ARTICLE_COLS} for a in fresh], columns=ARTICLE_COLS)
                fdf["published_at"] = pd.to_datetime(fdf["published_at"])
                con.register("_fresh", fdf)
                ids = con.execute(
                    f"""
                    INSERT INTO articles (article_id, run_id, source, ingested_at, {', '.join(ARTICLE_COLS)})
                    SELECT nextval('seq_article_id'), ?, ?, ?, {', '.join(ARTICLE_COLS)} FROM _fresh
                    ORDER BY position
                    RETURNING article_id, position
                    """,
                    [run_id, source, now],
                ).fetchall()
                con.unregister("_fresh")
                by_pos = {p: i for i, p in ids}
                res.article_ids = [by_pos[a.position] for a in fresh]
                res.loaded = len(fresh)
                if extract:
                    _insert_facts(con, list(zip(res.article_ids, fresh, strict=True)), now, linker)
        if rejects:
            con.executemany(
                "INSERT INTO rejects (reject_id, run_id, source, position, reason, raw, rejected_at) "
                "VALUES (nextval('seq_reject_id'), ?, ?, ?, ?, ?, ?)",
                [[run_id, source, r.position, r.reason, r.raw, now] for r in rejects],
            )
        _count_batch(con, run_id, res)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return res


def _count_batch(con: duckdb.DuckDBPyConnection, run_id: int, res: BatchResult) -> None:
    """Add a batch's counts to its run (inside the batch's transaction)."""
    con.execute(
        "UPDATE ingest_runs SET n_read = n_read + ?, n_loaded = n_loaded + ?, "
        "n_duplicates = n_duplicates + ?, n_rejected = n_rejected + ? WHERE run_id = ?",
        [res.read, res.loaded, res.duplicates, res.rejected, run_id],
    )


def _insert_facts(con: duckdb.DuckDBPyConnection, pairs: list[tuple[int, Article]], now: datetime,
                  linker=None) -> None:
    rows = [(a.title, a.body, a.published_at.date() if a.published_at else None) for _, a in pairs]
    insert_facts(con, [i for i, _ in pairs], extract_rows(rows), now, [(a.title, a.body) for _, a in pairs], linker)


# --- Bulk loading: windows of normalised rows as Arrow tables ------------------------------------------
#
# The bulk path hands the loader a *window*: an Arrow table of consecutive records (WINDOW_COLUMNS, in
# position order, `reason` set on rejects), a whole number of batches long. De-duplication against the
# warehouse is one join per window; the batches are still one transaction each, with exactly the
# outcome the row-by-row `load_batch` gives batch after batch (see `plan_window`).

WINDOW_COLUMNS = ["pos", "reason", "raw", "external_id", "outlet", "author", "url", "canonical_url", "title", "body",
                  "published_at", "date_flag", "content_hash"]
FACT_COLUMNS = ["company", "amount", "currency", "amount_usd", "amount_floor", "round_stage", "valuation_usd",
                "investors", "acquirer", "flags", "evidence"]
_FACT_TYPES = [pa.string(), pa.float64(), pa.string(), pa.float64(), pa.bool_(), pa.string(), pa.float64(),
               pa.list_(pa.string()), pa.string(), pa.list_(pa.string()), pa.string()]


class RunKeys:
    """The de-duplication keys of the articles one run has loaded so far, as 64-bit hashes (DuckDB's
    `hash()` of the content hash and of the canonical URL) with their positions: 24 bytes an article, so
    that a window is checked against the run's own earlier windows without scanning them."""

    def __init__(self) -> None:
        empty_k, empty_p = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
        self._h, self._hp, self._u, self._up = empty_k, empty_p, empty_k, empty_p

    def add(self, content_key: np.ndarray, url_key: np.ndarray, has_url: np.ndarray, positions: np.ndarray) -> None:
        if not len(positions):
            return
        self._h, self._hp = self._merge(self._h, self._hp, content_key, positions)
        self._u, self._up = self._merge(self._u, self._up, url_key[has_url], positions[has_url])

    @staticmethod
    def _merge(keys: np.ndarray, pos: np.ndarray, new_keys: np.ndarray, new_pos: np.ndarray):
        order = np.argsort(new_keys, kind="stable")
        new_keys, new_pos = new_keys[order], new_pos[order]
        at = np.searchsorted(keys, new_keys, side="right")
        return np.insert(keys, at, new_keys), np.insert(pos, at, new_pos)

    def matches(self, content_key: np.ndarray, url_key: np.ndarray, has_url: np.ndarray) -> tuple[np.ndarray, list[int]]:
        """(rows that may match an article of the run, the positions of the articles they may match)."""
        maybe = np.zeros(len(content_key), dtype=bool)
        positions: list[int] = []
        for mine, theirs, where, valid in ((content_key, self._h, self._hp, None), (url_key, self._u, self._up, has_url)):
            if not len(theirs) or not len(mine):
                continue
            order = np.argsort(mine, kind="stable")
            needles = mine[order]
            i = np.minimum(np.searchsorted(theirs, needles), len(theirs) - 1)
            hit = np.zeros(len(mine), dtype=bool)
            hit[order] = theirs[i] == needles
            if valid is not None:
                hit &= valid
            if hit.any():
                maybe |= hit
                inv = np.empty_like(order)
                inv[order] = np.arange(len(order))
                positions.extend(where[i[inv[hit]]].tolist())
        return maybe, positions


def window_hits(con: duckdb.DuckDBPyConnection, win: pa.Table, ok: np.ndarray, run_id: int | None = None,
                keys: RunKeys | None = None, content_key: np.ndarray | None = None,
                url_key: np.ndarray | None = None) -> np.ndarray:
    """True for each accepted row whose content hash or canonical URL is already in the warehouse.

    With `run_id` and `keys`, the articles of the run itself are looked up by their hashes in `keys`
    (only rows whose hash matches are compared, against the matching positions), and the join scans the
    other runs' articles only, which DuckDB skips row group by row group.
    """
    hits = np.zeros(win.num_rows, dtype=bool)
    if not ok.any():
        return hits
    keytab = win.select(["content_hash", "canonical_url"]).append_column(
        "i", pa.array(np.arange(win.num_rows, dtype=np.int64)))
    other, params = "", []
    if run_id is not None and keys is not None:
        other, params = "WHERE a.run_id <> ?", [run_id, run_id]
    sql = ("SELECT k.i FROM _keys k JOIN (SELECT content_hash, canonical_url FROM articles a {w}) a "
           "ON a.content_hash = k.content_hash UNION SELECT k.i FROM _keys k JOIN (SELECT content_hash, "
           "canonical_url FROM articles a {w}) a ON a.canonical_url = k.canonical_url")
    checks = [(ok, sql.format(w=other), params)]
    if run_id is not None and keys is not None:
        has_url = pc.is_valid(win.column("canonical_url")).to_numpy(zero_copy_only=False)
        maybe, positions = keys.matches(content_key, url_key, has_url)
        maybe &= ok
        if maybe.any():
            w = "WHERE a.run_id = ? AND a.position BETWEEN ? AND ?"
            lo, hi = min(positions), max(positions)
            checks.append((maybe, sql.format(w=w), [run_id, lo, hi, run_id, lo, hi]))
    for rows, query, args in checks:
        con.register("_keys", keytab.filter(pa.array(rows)))
        try:
            found = con.execute(query, args).fetchnumpy()
        finally:
            con.unregister("_keys")
        idx = next(iter(found.values())) if found else []
        hits[np.asarray(idx, dtype=np.int64)] = True
    return hits


def plan_window(win: pa.Table, ok: np.ndarray, multi: np.ndarray, hits: np.ndarray, batch_size: int) -> np.ndarray:
    """Which rows of a window load (True) rather than count as duplicates, exactly as `load_batch` decides
    batch after batch: within a batch the first of rows sharing a hash or canonical URL wins, then a row
    already in the warehouse, or loaded by an earlier batch, is a duplicate.

    Rows whose keys are unique in the window and new to the warehouse load whatever the order, so only
    the others (`multi` | `hits`) are walked in Python.
    """
    fresh = ok.copy()
    walk = np.flatnonzero(ok & (multi | hits))
    if len(walk) == 0:
        return fresh
    hashes = win.column("content_hash").take(pa.array(walk)).to_pylist()
    urls = win.column("canonical_url").take(pa.array(walk)).to_pylist()
    loaded_h: set[str] = set()
    loaded_u: set[str] = set()
    seen_h: set[str] = set()
    seen_u: set[str] = set()
    current = -1
    for i, h, u in zip(walk.tolist(), hashes, urls, strict=True):
        if i // batch_size != current:
            current, seen_h, seen_u = i // batch_size, set(), set()
        if h in seen_h or (u and u in seen_u):
            fresh[i] = False
            continue
        seen_h.add(h)
        if u:
            seen_u.add(u)
        if hits[i] or h in loaded_h or (u and u in loaded_u):
            fresh[i] = False
            continue
        loaded_h.add(h)
        if u:
            loaded_u.add(u)
    return fresh


def _reserve(con: duckdb.DuckDBPyConnection, sequence: str, n: int) -> int:
    """Take `n` consecutive values of a sequence (this process holds the write lock) and return the first."""
    last = con.execute(f"SELECT max(nextval('{sequence}')) FROM range(?)", [n]).fetchall()[0][0]
    return int(last) - n + 1


def facts_tuple(f) -> tuple:
    """The stored fields of a DealFacts, in FACT_COLUMNS order."""
    return (f.company, f.amount, f.currency, f.amount_usd, bool(f.amount_floor), f.round_stage, f.valuation_usd,
            list(f.investors), f.acquirer, list(f.flags),
            json.dumps([asdict(e) for e in f.evidence], ensure_ascii=False))


def extract_rows(rows: list[tuple[str, str, date | None]]) -> list[tuple]:
    """Deal facts of (title, body, published date) rows; module level so a process pool can run it."""
    from etl.extract import extract_facts

    return [facts_tuple(extract_facts(t, b, d)) for t, b, d in rows]


def insert_facts(con: duckdb.DuckDBPyConnection, article_ids: list[int], facts: list[tuple], now: datetime,
                 texts: list[tuple[str, str]] | None = None, linker=None) -> None:
    """Insert the deal facts of articles; with a linker, also the registry company of each."""
    if not article_ids:
        return
    company_ids: list[str | None] = [None] * len(facts)
    if linker is not None and texts is not None:
        from etl.companies import link_company

        facts = list(facts)
        for k, ((title, body), f) in enumerate(zip(texts, facts, strict=True)):
            company_ids[k], name = link_company(linker, title, body, f[0])
            if f[0] is None and name:
                facts[k] = (name, *f[1:])
    cols = list(zip(*facts, strict=True))
    arrays = [pa.array(article_ids, pa.int64()), pa.array(company_ids, pa.string())]
    arrays += [pa.array(list(c), t) for c, t in zip(cols, _FACT_TYPES, strict=True)]
    table = pa.Table.from_arrays(arrays, names=["article_id", "company_id", *FACT_COLUMNS])
    con.register("_facts", table)
    try:
        con.execute(
            "INSERT INTO deal_facts (article_id, company, company_id, amount, currency, amount_usd, amount_floor,"
            " round_stage, valuation_usd, investors, acquirer, flags, evidence, extracted_at)"
            " SELECT article_id, company, company_id, amount, currency, amount_usd, amount_floor, round_stage,"
            " valuation_usd, investors, acquirer, flags, evidence, ? FROM _facts",
            [now],
        )
    finally:
        con.unregister("_facts")


def load_window_batch(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    source: str,
    part: pa.Table,
    fresh: np.ndarray,
    *,
    facts: dict[int, tuple] | None = None,
    linker=None,
) -> BatchResult:
    """Insert one batch of a window in one transaction: its fresh articles (and their deal facts when
    `facts` is given: position -> facts tuple), its rejects, and the run's counts."""
    ok = pc.is_null(part.column("reason")).to_numpy(zero_copy_only=False)
    res = BatchResult(read=part.num_rows, rejected=int((~ok).sum()), loaded=int(fresh.sum()))
    res.duplicates = int(ok.sum()) - res.loaded
    now = utcnow()
    con.execute("BEGIN TRANSACTION")
    try:
        if res.loaded:
            first = _reserve(con, "seq_article_id", res.loaded)
            res.article_ids = list(range(first, first + res.loaded))
            arts = part if res.loaded == part.num_rows else part.filter(pa.array(fresh))
            arts = arts.append_column("article_id", pa.array(np.arange(first, first + res.loaded, dtype=np.int64)))
            con.register("_arts", arts)
            try:
                con.execute(
                    "INSERT INTO articles (article_id, run_id, source, ingested_at, position, external_id, outlet, author,"
                    " url, canonical_url, title, body, published_at, date_flag, content_hash)"
                    " SELECT article_id, ?, ?, ?, pos, external_id, outlet, author, url, canonical_url, title, body,"
                    " published_at, date_flag, content_hash FROM _arts",
                    [run_id, source, now],
                )
            finally:
                con.unregister("_arts")
            if facts is not None:
                positions = arts.column("pos").to_pylist()
                missing = [i for i, p in enumerate(positions) if p not in facts]
                if missing:  # loaded now but not foreseen when the window was planned
                    rows = arts.take(pa.array(missing)).select(["pos", "title", "body", "published_at"]).to_pylist()
                    for r, f in zip(rows, extract_rows([_extract_input(r) for r in rows]), strict=True):
                        facts[r["pos"]] = f
                texts = None
                if linker is not None:
                    texts = list(zip(arts.column("title").to_pylist(), arts.column("body").to_pylist(), strict=True))
                insert_facts(con, res.article_ids, [facts[p] for p in positions], now, texts, linker)
        if res.rejected:
            rej = part.filter(pa.array(~ok))
            first = _reserve(con, "seq_reject_id", res.rejected)
            rej = rej.append_column("reject_id", pa.array(range(first, first + res.rejected), pa.int64()))
            con.register("_rej", rej)
            try:
                con.execute(
                    "INSERT INTO rejects (reject_id, run_id, source, position, reason, raw, rejected_at) "
                    "SELECT reject_id, ?, ?, pos, reason, raw, ? FROM _rej",
                    [run_id, source, now],
                )
            finally:
                con.unregister("_rej")
        _count_batch(con, run_id, res)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return res


def _extract_input(row: dict) -> tuple[str, str, date | None]:
    ts = row["published_at"]
    return row["title"], row["body"], ts.date() if ts is not None else None
