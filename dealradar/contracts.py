"""Data contracts (unique, not_null, accepted_values, relationships, balances) run as code."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dealradar.taxonomy import load_taxonomy


@dataclass(frozen=True)
class Contract:
    """A named check whose SQL selects the offending rows."""

    name: str
    kind: str
    sql: str


@dataclass
class ContractResult:
    """How many rows broke a contract, and a few of them."""

    name: str
    kind: str
    failures: int
    sample: list

    @property
    def ok(self) -> bool:
        return self.failures == 0


def _unique(table: str, cols: str, where: str = "") -> Contract:
    w = f"WHERE {where}" if where else ""
    return Contract(f"unique:{table}.{cols.replace(', ', '+')}", "unique",
                    f"SELECT {cols}, count(*) AS n FROM {table} {w} GROUP BY {cols} HAVING count(*) > 1")


def _not_null(table: str, col: str) -> Contract:
    return Contract(f"not_null:{table}.{col}", "not_null", f"SELECT * FROM {table} WHERE {col} IS NULL")


def _accepted(table: str, col: str, values: tuple[str, ...], nullable: bool = True) -> Contract:
    vals = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    null = f"{col} IS NOT NULL AND " if nullable else f"{col} IS NULL OR "
    return Contract(f"accepted_values:{table}.{col}", "accepted_values",
                    f"SELECT {col}, count(*) AS n FROM {table} WHERE {null}{col} NOT IN ({vals}) GROUP BY {col}")


def _relationship(table: str, col: str, ref: str, ref_col: str) -> Contract:
    return Contract(f"relationship:{table}.{col}->{ref}.{ref_col}", "relationship",
                    f"SELECT t.{col} FROM {table} t WHERE t.{col} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM {ref} r WHERE r.{ref_col} = t.{col})")


def contracts() -> list[Contract]:
    """Every contract of the current schema and taxonomy."""
    tax = load_taxonomy()
    sec, sig = tax.sectors, tax.signals
    return [
        _unique("articles", "article_id"),
        _unique("articles", "content_hash"),
        _unique("articles", "canonical_url", "canonical_url IS NOT NULL"),
        _unique("deals", "deal_id"),
        _unique("deal_articles", "article_id"),
        _unique("model_versions", "version_id"),
        _unique("predictions", "article_id, version_id"),
        _unique("companies", "company_id"),
        _not_null("articles", "title"),
        _not_null("articles", "content_hash"),
        _not_null("rejects", "reason"),
        _not_null("labels", "labelled_by"),
        _not_null("deals", "signal"),
        _accepted("labels", "sector", sec, nullable=False),
        _accepted("labels", "signal", sig, nullable=False),
        _accepted("predictions", "sector", sec, nullable=False),
        _accepted("predictions", "signal", sig, nullable=False),
        _accepted("predictions", "sector_2nd", sec),
        _accepted("predictions", "signal_2nd", sig),
        _accepted("deals", "signal", tax.deal_signals, nullable=False),
        _accepted("deals", "round_stage", tax.round_stages),
        _accepted("deal_facts", "round_stage", tax.round_stages),
        _accepted("companies", "sector", sec),
        _accepted("companies", "kind", ("startup", "big_tech", "investor", "other"), nullable=False),
        _accepted("model_versions", "status", ("candidate", "active", "retired", "deleted"), nullable=False),
        _accepted("ingest_runs", "status", ("running", "completed", "failed"), nullable=False),
        _relationship("deal_articles", "article_id", "articles", "article_id"),
        _relationship("deal_articles", "deal_id", "deals", "deal_id"),
        _relationship("deal_facts", "article_id", "articles", "article_id"),
        _relationship("deal_sectors", "deal_id", "deals", "deal_id"),
        _relationship("deal_investors", "deal_id", "deals", "deal_id"),
        _relationship("deal_investors", "company_id", "companies", "company_id"),
        _accepted("deal_sectors", "sector", sec, nullable=False),
        _relationship("labels", "article_id", "articles", "article_id"),
        _relationship("predictions", "article_id", "articles", "article_id"),
        _relationship("predictions", "version_id", "model_versions", "version_id"),
        Contract("balance:ingest_runs.read=loaded+duplicates+rejected", "balance",
                 "SELECT run_id, n_read, n_loaded, n_duplicates, n_rejected FROM ingest_runs "
                 "WHERE n_read <> n_loaded + n_duplicates + n_rejected"),
        Contract("range:predictions.confidence", "range",
                 "SELECT article_id, sector_conf, signal_conf FROM predictions WHERE sector_conf NOT BETWEEN 0 AND 1 "
                 "OR signal_conf NOT BETWEEN 0 AND 1"),
        Contract("single_active:model_versions", "cardinality",
                 "SELECT count(*) AS active FROM model_versions WHERE status = 'active' HAVING count(*) > 1"),
    ]


def run_contracts(con: duckdb.DuckDBPyConnection, sample_size: int = 3) -> list[ContractResult]:
    """Run every contract and return its result (failures = offending rows or groups)."""
    results = []
    for c in contracts():
        n = con.execute(f"SELECT count(*) FROM ({c.sql})").fetchone()[0]
        sample = con.execute(f"SELECT * FROM ({c.sql}) LIMIT {int(sample_size)}").fetchall() if n else []
        results.append(ContractResult(c.name, c.kind, int(n), sample))
    return results
