"""Load normalised articles into the warehouse: runs, de-duplication, rejects, one transaction a batch."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

import duckdb
import pandas as pd

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


def start_run(con: duckdb.DuckDBPyConnection, source: str, fmt: str) -> int:
    """Record the start of an ingest run and return its id."""
    run_id = con.execute("SELECT nextval('seq_run_id')").fetchone()[0]
    con.execute(
        "INSERT INTO ingest_runs (run_id, source, format, started_at, status) VALUES (?, ?, ?, ?, 'running')",
        [run_id, source, fmt, utcnow()],
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
        con.execute(
            "UPDATE ingest_runs SET n_read = n_read + ?, n_loaded = n_loaded + ?, "
            "n_duplicates = n_duplicates + ?, n_rejected = n_rejected + ? WHERE run_id = ?",
            [res.read, res.loaded, res.duplicates, res.rejected, run_id],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return res


def _insert_facts(con: duckdb.DuckDBPyConnection, pairs: list[tuple[int, Article]], now: datetime,
                  linker=None) -> None:
    from etl.companies import link_company
    from etl.extract import extract_facts

    rows = []
    for article_id, a in pairs:
        f = extract_facts(a.title, a.body, a.published_at.date() if a.published_at else None)
        company_id = None
        if linker is not None:
            company_id, name = link_company(linker, a.title, a.body, f.company)
            if f.company is None and name:
                f.company = name
        rows.append({
            "article_id": article_id, "company": f.company, "company_id": company_id, "amount": f.amount,
            "currency": f.currency, "amount_usd": f.amount_usd, "amount_floor": bool(f.amount_floor),
            "round_stage": f.round_stage, "valuation_usd": f.valuation_usd,
            "investors": list(f.investors), "acquirer": f.acquirer, "flags": list(f.flags),
            "evidence": json.dumps([asdict(e) for e in f.evidence], ensure_ascii=False),
            "extracted_at": now,
        })
    df = pd.DataFrame(rows)
    con.register("_facts", df)
    con.execute(
        "INSERT INTO deal_facts (article_id, company, company_id, amount, currency, amount_usd, amount_floor,"
        " round_stage, valuation_usd, investors, acquirer, flags, evidence, extracted_at)"
        " SELECT article_id, company, company_id, amount, currency, amount_usd, amount_floor, round_stage, valuation_usd,"
        " investors::VARCHAR[], acquirer, flags::VARCHAR[], evidence, extracted_at FROM _facts"
    )
    con.unregister("_facts")
