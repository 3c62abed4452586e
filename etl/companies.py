"""The companies table: seeded from the bundled registry, grown from deal facts, edited by analysts.

Every change is written to company_changes (who, when, before, after).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import duckdb
import pandas as pd

from dealradar.errors import InputError
from dealradar.paths import REGISTRY_FILE
from dealradar.taxonomy import load_taxonomy
from etl.load import utcnow

log = logging.getLogger(__name__)
KINDS = ("startup", "big_tech", "investor", "other")


def read_registry(path: Path | str = REGISTRY_FILE) -> pd.DataFrame:
    """The bundled registry CSV with aliases as lists."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["aliases"] = df["aliases"].map(lambda s: [a for a in s.split("|") if a] if s else [])
    df["founded_year"] = pd.to_numeric(df["founded_year"], errors="coerce").astype("Int64")
    return df


def load_bundled_registry(con: duckdb.DuckDBPyConnection, path: Path | str = REGISTRY_FILE) -> int:
    """Insert registry companies not yet in the table (analysts' edits are never overwritten)."""
    if not Path(path).exists():
        log.warning("no bundled registry at %s", path)
        return 0
    df = read_registry(path)
    df = df.assign(sector_origin="bundled", merged_into=None, updated_at=utcnow())
    df["sector"] = df["sector"].replace("", None)
    con.register("_reg", df)
    con.execute("BEGIN TRANSACTION")
    try:
        n = con.execute(
            """
            INSERT INTO companies (company_id, name, aliases, kind, sector, sector_origin, country, founded_year,
                                   description, sources, merged_into, updated_at)
            SELECT company_id, name, aliases::VARCHAR[], kind, sector, sector_origin, nullif(country, ''),
                   founded_year, description, sources, merged_into, updated_at
            FROM _reg r WHERE NOT EXISTS (SELECT 1 FROM companies c WHERE c.company_id = r.company_id)
            """).fetchone()[0]
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_reg")
    log.info("loaded %d registry companies", n)
    return int(n)


def _log_change(con, company_id: str, action: str, before, after, by: str) -> None:
    con.execute("INSERT INTO company_changes VALUES (nextval('seq_change_id'), ?, ?, ?, ?, ?, ?)",
                [company_id, action, json.dumps(before, default=str), json.dumps(after, default=str), by, utcnow()])


def _get(con, company_id: str) -> dict:
    row = con.execute("SELECT * FROM companies WHERE company_id = ?", [company_id]).df()
    if row.empty:
        raise InputError(f"no company with id {company_id!r}")
    d = row.iloc[0].to_dict()
    d["aliases"] = list(d["aliases"]) if d["aliases"] is not None else []
    return d


def set_sector(con: duckdb.DuckDBPyConnection, company_id: str, sector: str, by: str) -> dict:
    """An analyst corrects a company's sector (origin becomes 'corrected')."""
    if sector not in load_taxonomy().sectors:
        raise InputError(f"unknown sector {sector!r}")
    before = _get(con, company_id)
    con.execute("UPDATE companies SET sector = ?, sector_origin = 'corrected', updated_at = ? WHERE company_id = ?",
                [sector, utcnow(), company_id])
    _log_change(con, company_id, "set_sector", {"sector": before["sector"], "origin": before["sector_origin"]},
                {"sector": sector, "origin": "corrected"}, by)
    return _get(con, company_id)


def add_alias(con: duckdb.DuckDBPyConnection, company_id: str, alias: str, by: str) -> dict:
    """Add an alias (a former name, a product name the press uses)."""
    alias = alias.strip()
    if not alias:
        raise InputError("empty alias")
    before = _get(con, company_id)
    if alias in before["aliases"]:
        return before
    con.execute("UPDATE companies SET aliases = list_append(coalesce(aliases, []::VARCHAR[]), ?), updated_at = ? "
                "WHERE company_id = ?", [alias, utcnow(), company_id])
    _log_change(con, company_id, "add_alias", {"aliases": before["aliases"]}, {"aliases": before["aliases"] + [alias]}, by)
    return _get(con, company_id)


def merge_companies(con: duckdb.DuckDBPyConnection, keep: str, drop: str, by: str) -> dict:
    """Merge a duplicate into `keep`: names become aliases, facts re-point, the duplicate is marked merged."""
    if keep == drop:
        raise InputError("cannot merge a company into itself")
    k, d = _get(con, keep), _get(con, drop)
    aliases = list(dict.fromkeys(k["aliases"] + [d["name"]] + d["aliases"]))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("UPDATE companies SET aliases = ?::VARCHAR[], updated_at = ? WHERE company_id = ?",
                    [aliases, utcnow(), keep])
        con.execute("UPDATE companies SET merged_into = ?, updated_at = ? WHERE company_id = ?", [keep, utcnow(), drop])
        con.execute("UPDATE deal_facts SET company_id = ? WHERE company_id = ?", [keep, drop])
        _log_change(con, keep, "merge", {"keep": k["name"], "drop": d["name"]}, {"aliases": aliases}, by)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return _get(con, keep)


def add_inferred_companies(con: duckdb.DuckDBPyConnection) -> int:
    """Companies first seen in deal facts join the table, sector from the classifier, marked inferred."""
    from etl.deals import company_key

    rows = con.execute(
        """
        SELECT f.company, arg_max(al.sector, al.sector_conf) AS sector
        FROM deal_facts f JOIN stg_article_labels al USING (article_id)
        WHERE f.company IS NOT NULL AND f.company_id IS NULL AND al.signal <> 'none'
        GROUP BY f.company
        """).fetchall()
    existing = {r[0] for r in con.execute("SELECT company_id FROM companies").fetchall()}
    new = []
    for name, sector in rows:
        key = company_key(name)
        if not key:
            continue
        cid = "x-" + key.replace(" ", "-")
        if cid in existing:
            continue
        existing.add(cid)
        new.append([cid, name, [], "startup", sector, "inferred", None, None, None,
                    json.dumps({"sector": "classifier"}), None, utcnow()])
    if new:
        con.executemany("INSERT INTO companies VALUES (?, ?, ?::VARCHAR[], ?, ?, ?, ?, ?, ?, ?, ?, ?)", new)
    return len(new)


def ensure_registry(con: duckdb.DuckDBPyConnection) -> int:
    """Seed the companies table from the bundled registry the first time (returns rows added)."""
    if con.execute("SELECT count(*) FROM companies WHERE sector_origin = 'bundled'").fetchall()[0][0]:
        return 0
    return load_bundled_registry(con)


_LINKERS: dict[str, object] = {}


def linker_for(con: duckdb.DuckDBPyConnection):
    """A CompanyLinker over the warehouse's companies (aliases included), rebuilt only when they change."""
    from etl.linking import CompanyLinker

    token = "|".join(map(str, con.execute(
        "SELECT count(*), coalesce(max(updated_at)::VARCHAR, '') FROM companies").fetchall()[0]))
    if token not in _LINKERS:
        df = con.execute("SELECT company_id, name, array_to_string(coalesce(aliases, []::VARCHAR[]), '|') AS aliases, "
                         "kind FROM companies WHERE merged_into IS NULL").df()
        _LINKERS.clear()
        _LINKERS[token] = CompanyLinker(df)
    return _LINKERS[token]


def link_company(linker, title: str, body: str, company: str | None) -> tuple[str | None, str | None]:
    """(company_id, canonical name) of the registry company an article is mainly about, or (None, None).

    The extractor's name wins when the registry knows it exactly; otherwise the linker's role-based choice
    (subject of "raises", target of "acquires", "Nvidia backs X" -> X) is taken."""
    if company:
        for hit in linker.find_mentions(company):
            if hit.start == 0 and hit.end == len(company):
                return hit.company_id, hit.name
    m = linker.main_company(title, body)
    if m is not None and m.kind != "investor":
        return m.company_id, m.name
    return None, None


def registry_sectors(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """company_id -> sector for market companies (investors left out), following merges."""
    rows = con.execute(
        "SELECT c.company_id, t.sector FROM companies c JOIN companies t ON t.company_id = coalesce(c.merged_into, "
        "c.company_id) WHERE t.kind <> 'investor'").fetchall()
    return {cid: sector for cid, sector in rows}
