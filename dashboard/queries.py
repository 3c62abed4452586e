"""Warehouse queries for the dashboard and reports: (connection, filters) -> DataFrame. No Streamlit here.

Every value from a user goes in as a bound parameter, never into the SQL text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

GRANULARITIES = ("month", "quarter")
PROVISIONAL_DAYS = 60  # periods ending less than this before the newest article are provisional


@dataclass(frozen=True)
class Filters:
    """Deal filters shared by pages and reports."""

    start: date | None = None
    end: date | None = None
    sectors: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    min_usd: float | None = None
    max_usd: float | None = None
    investor: str | None = None
    company: str | None = None
    granularity: str = "quarter"

    def __post_init__(self) -> None:
        if self.granularity not in GRANULARITIES:
            raise ValueError(f"granularity must be one of {GRANULARITIES}")

    def where(self, alias: str = "d") -> tuple[str, list]:
        """SQL predicate over mart_deals (aliased) and its parameters."""
        parts, params = ["TRUE"], []
        if self.start:
            parts.append(f"{alias}.announced_at >= ?")
            params.append(datetime.combine(self.start, datetime.min.time()))
        if self.end:
            parts.append(f"{alias}.announced_at < ?")
            params.append(datetime.combine(self.end + timedelta(days=1), datetime.min.time()))
        for col, vals in (("sector", self.sectors), ("signal", self.signals), ("round_stage", self.stages)):
            if vals:
                parts.append(f"{alias}.{col} IN (SELECT unnest(?::VARCHAR[]))")
                params.append(list(vals))
        if self.min_usd is not None:
            parts.append(f"{alias}.amount_usd >= ?")
            params.append(float(self.min_usd))
        if self.max_usd is not None:
            parts.append(f"{alias}.amount_usd <= ?")
            params.append(float(self.max_usd))
        if self.investor:
            parts.append(f"EXISTS (SELECT 1 FROM unnest({alias}.investors) AS t(inv) "
                         "WHERE lower(inv) LIKE '%' || lower(?) || '%')")
            params.append(self.investor)
        if self.company:
            parts.append(f"lower({alias}.company) LIKE '%' || lower(?) || '%'")
            params.append(self.company)
        return " AND ".join(parts), params


@dataclass(frozen=True)
class ArticleFilters:
    """Article search filters."""

    search: str | None = None
    sectors: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()
    min_conf: float | None = None
    max_conf: float | None = None
    outlets: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    company_id: str | None = None
    extra: dict = field(default_factory=dict)


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """A cheap token that changes after an ingest, a label, a retrain or a deal edit (cache key)."""
    row = con.execute(
        """
        SELECT (SELECT coalesce(max(run_id), 0) || '-' || coalesce(sum(n_loaded), 0) FROM ingest_runs),
               (SELECT count(*) || '-' || coalesce(max(label_id), 0) FROM labels WHERE NOT undone),
               (SELECT coalesce(max(version_id), '') FROM model_versions WHERE status = 'active'),
               (SELECT count(*) FROM predictions),
               (SELECT coalesce(max(updated_at)::VARCHAR, '') FROM deals),
               (SELECT coalesce(max(updated_at)::VARCHAR, '') FROM companies)
        """
    ).fetchone()
    return "|".join(map(str, row))


def _period(f: Filters, col: str = "announced_at") -> str:
    return f"date_trunc('{f.granularity}', {col})::DATE"


def newest_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The newest article date in the warehouse."""
    v = con.execute("SELECT max(published_at)::DATE FROM articles").fetchone()[0]
    return v


def _mark_provisional(df: pd.DataFrame, newest: date | None, granularity: str) -> pd.DataFrame:
    if df.empty or newest is None:
        df["provisional"] = False
        return df
    months = 1 if granularity == "month" else 3
    ends = pd.to_datetime(df["period"]) + pd.DateOffset(months=months)
    df["provisional"] = ends > pd.Timestamp(newest) - pd.Timedelta(days=PROVISIONAL_DAYS)
    return df


def capital_by_sector(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Capital (USD) and deal count per period and sector, funding rounds only unless signals are given."""
    f2 = f if f.signals else replace(f, signals=("funding_round",))
    where, params = f2.where()
    df = con.execute(
        f"""
        SELECT {_period(f2)} AS period, d.sector, coalesce(sum(d.amount_usd), 0) AS capital_usd, count(*) AS deals
        FROM mart_deals d WHERE {where}
        GROUP BY ALL ORDER BY period, sector
        """, params).df()
    return _mark_provisional(df, newest_date(con), f.granularity)


def signal_mix(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Events per period and signal: deals for rounds, funds, acquisitions, IPOs; articles for layoffs."""
    where, params = replace(f, signals=()).where()
    deals = con.execute(
        f"SELECT {_period(f)} AS period, d.signal, count(*) AS events FROM mart_deals d WHERE {where} GROUP BY ALL",
        params).df()
    lay_params: list = []
    lay_where = ["al.signal = 'layoffs_shutdown'"]
    if f.start:
        lay_where.append("a.published_at >= ?")
        lay_params.append(datetime.combine(f.start, datetime.min.time()))
    if f.end:
        lay_where.append("a.published_at < ?")
        lay_params.append(datetime.combine(f.end + timedelta(days=1), datetime.min.time()))
    if f.sectors:
        lay_where.append("al.sector IN (SELECT unnest(?::VARCHAR[]))")
        lay_params.append(list(f.sectors))
    lay = con.execute(
        f"SELECT {_period(f, 'a.published_at')} AS period, 'layoffs_shutdown' AS signal, count(*) AS events "
        f"FROM articles a JOIN stg_article_labels al USING (article_id) WHERE {' AND '.join(lay_where)} GROUP BY ALL",
        lay_params).df()
    df = pd.concat([deals, lay], ignore_index=True).sort_values(["period", "signal"]).reset_index(drop=True)
    return _mark_provisional(df, newest_date(con), f.granularity)


def kpis(con: duckdb.DuckDBPyConnection, f: Filters) -> dict:
    """Capital, deals, median round, top sector for the period, and the change against the previous one."""
    rounds = f if f.signals else replace(f, signals=("funding_round",))

    def stats(ff: Filters) -> dict:
        where, params = ff.where()
        row = con.execute(
            f"SELECT coalesce(sum(amount_usd), 0), count(*), median(amount_usd) FROM mart_deals d WHERE {where}",
            params).fetchone()
        top = con.execute(
            f"SELECT sector, sum(amount_usd) AS c FROM mart_deals d WHERE {where} AND amount_usd IS NOT NULL "
            f"GROUP BY sector ORDER BY c DESC, sector LIMIT 1", params).fetchone()
        return {"capital_usd": float(row[0]), "deals": int(row[1]),
                "median_round_usd": float(row[2]) if row[2] is not None else None,
                "top_sector": top[0] if top else None}

    cur = stats(rounds)
    out = dict(cur)
    if f.start and f.end:
        length = (f.end - f.start).days + 1
        prev = stats(replace(rounds, start=f.start - timedelta(days=length), end=f.start - timedelta(days=1)))
        out["previous"] = prev
        out["capital_change"] = (cur["capital_usd"] - prev["capital_usd"]) / prev["capital_usd"] \
            if prev["capital_usd"] else None
        out["deals_change"] = (cur["deals"] - prev["deals"]) / prev["deals"] if prev["deals"] else None
    return out


DEAL_COLUMNS = ["deal_id", "announced_at", "company", "sector", "signal", "round_stage", "amount_usd",
                "currency", "amount", "valuation_usd", "investors", "acquirer", "n_articles", "has_conflict"]
SORTABLE = {"announced_at", "amount_usd", "company", "n_articles", "valuation_usd", "sector"}


def deals_table(con: duckdb.DuckDBPyConnection, f: Filters, sort: str = "amount_usd", descending: bool = True,
                limit: int = 500, offset: int = 0) -> pd.DataFrame:
    """Filtered, sorted deals (sort column from an allow-list)."""
    if sort not in SORTABLE:
        raise ValueError(f"cannot sort by {sort!r}")
    where, params = f.where()
    direction = "DESC" if descending else "ASC"
    return con.execute(
        f"SELECT {', '.join('d.' + c for c in DEAL_COLUMNS)} FROM mart_deals d WHERE {where} "
        f"ORDER BY d.{sort} {direction} NULLS LAST, d.deal_id LIMIT ? OFFSET ?",
        [*params, int(limit), int(offset)]).df()


def largest_deals(con: duckdb.DuckDBPyConnection, f: Filters, n: int = 10) -> pd.DataFrame:
    """The n largest deals by USD amount."""
    ff = f if f.signals else replace(f, signals=("funding_round", "acquisition", "ipo", "vc_fund"))
    df = deals_table(con, ff, "amount_usd", True, n)
    return df[df["amount_usd"].notna()].reset_index(drop=True)


def deals_in_period(con: duckdb.DuckDBPyConnection, f: Filters, period: date, sector: str | None = None) -> pd.DataFrame:
    """Drill-down: the deals behind one bar or point (a period, optionally one sector)."""
    months = 1 if f.granularity == "month" else 3
    start = pd.Timestamp(period).date()
    end = (pd.Timestamp(period) + pd.DateOffset(months=months) - pd.Timedelta(days=1)).date()
    ff = replace(f, start=max(start, f.start) if f.start else start, end=min(end, f.end) if f.end else end,
                 sectors=(sector,) if sector else f.sectors, signals=f.signals or ("funding_round",))
    return deals_table(con, ff, "amount_usd", True, 1000)


def deal_detail(con: duckdb.DuckDBPyConnection, deal_id: int) -> dict | None:
    """A deal, its articles with their facts and evidence spans, and the outlets' conflicts."""
    deal = con.execute("SELECT * FROM mart_deals WHERE deal_id = ?", [int(deal_id)]).df()
    if deal.empty:
        return None
    arts = con.execute(
        """
        SELECT a.article_id, a.outlet, a.published_at, a.title, a.body, a.url, f.company, f.amount, f.currency,
               f.amount_usd, f.round_stage, f.valuation_usd, f.investors, f.acquirer, f.evidence, f.flags
        FROM deal_articles da JOIN articles a USING (article_id) LEFT JOIN deal_facts f USING (article_id)
        WHERE da.deal_id = ? ORDER BY a.published_at, a.article_id
        """, [int(deal_id)]).df()
    arts["evidence"] = arts["evidence"].map(lambda s: json.loads(s) if isinstance(s, str) else [])
    d = deal.iloc[0].to_dict()
    d["conflicts"] = json.loads(d["conflicts"]) if isinstance(d.get("conflicts"), str) else {}
    return {"deal": d, "articles": arts}


def articles_table(con: duckdb.DuckDBPyConnection, f: ArticleFilters, limit: int = 500) -> pd.DataFrame:
    """Articles with their effective label, confidence, second choice and model version."""
    parts, params = ["TRUE"], []
    if f.search:
        parts.append("(a.title ILIKE '%' || ? || '%' OR a.body ILIKE '%' || ? || '%')")
        params += [f.search, f.search]
    for col, vals in (("al.sector", f.sectors), ("al.signal", f.signals), ("a.outlet", f.outlets)):
        if vals:
            parts.append(f"{col} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(vals))
    if f.min_conf is not None:
        parts.append("least(al.sector_conf, al.signal_conf) >= ?")
        params.append(float(f.min_conf))
    if f.max_conf is not None:
        parts.append("least(al.sector_conf, al.signal_conf) <= ?")
        params.append(float(f.max_conf))
    if f.start:
        parts.append("a.published_at >= ?")
        params.append(datetime.combine(f.start, datetime.min.time()))
    if f.end:
        parts.append("a.published_at < ?")
        params.append(datetime.combine(f.end + timedelta(days=1), datetime.min.time()))
    if f.company_id:
        parts.append("f.company_id = ?")
        params.append(f.company_id)
    return con.execute(
        f"""
        SELECT a.article_id, a.published_at, a.outlet, a.title, al.sector, al.sector_conf, al.sector_2nd,
               al.signal, al.signal_conf, al.signal_2nd, al.version_id, al.label_origin, a.url, a.source,
               da.deal_id, f.company_id
        FROM articles a JOIN stg_article_labels al USING (article_id)
        LEFT JOIN deal_facts f USING (article_id) LEFT JOIN deal_articles da USING (article_id)
        WHERE {' AND '.join(parts)}
        ORDER BY a.published_at DESC NULLS LAST, a.article_id DESC LIMIT ?
        """, [*params, int(limit)]).df()


def latest_articles(con: duckdb.DuckDBPyConnection, sector: str, start: date | None = None, end: date | None = None,
                    n: int = 10) -> pd.DataFrame:
    """The newest articles labelled with a sector (a lighter query than articles_table)."""
    lo = datetime.combine(start or date(1990, 1, 1), datetime.min.time())
    hi = datetime.combine((end or date(2100, 1, 1)) + timedelta(days=1), datetime.min.time())
    return con.execute(
        "SELECT a.article_id, a.published_at, a.outlet, a.title, al.signal FROM articles a "
        "JOIN stg_article_labels al USING (article_id) WHERE al.sector = ? AND a.published_at >= ? "
        "AND a.published_at < ? ORDER BY a.published_at DESC, a.article_id DESC LIMIT ?",
        [sector, lo, hi, int(n)]).df()


def outlets(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Distinct outlet names."""
    return [r[0] for r in con.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY 1").fetchall()]


def review_queue(con: duckdb.DuckDBPyConnection, limit: int = 50, skip: tuple[int, ...] = ()) -> pd.DataFrame:
    """Model-labelled articles without an analyst label, least confident first."""
    return con.execute(
        """
        SELECT a.article_id, a.title, a.body, a.outlet, a.published_at, p.sector, p.sector_conf, p.sector_2nd,
               p.signal, p.signal_conf, p.signal_2nd, p.version_id, least(p.sector_conf, p.signal_conf) AS confidence
        FROM articles a JOIN stg_active_predictions p USING (article_id)
        WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.article_id = a.article_id AND NOT l.undone)
          AND a.article_id NOT IN (SELECT unnest(?::BIGINT[]))
        ORDER BY confidence, a.article_id LIMIT ?
        """, [list(skip), int(limit)]).df()


def review_progress(con: duckdb.DuckDBPyConnection) -> dict:
    """Labelled and unlabelled counts among classified articles."""
    row = con.execute(
        """
        SELECT count(*) FILTER (WHERE l.article_id IS NOT NULL), count(*)
        FROM stg_active_predictions p LEFT JOIN stg_latest_labels l USING (article_id)
        """).fetchone()
    return {"labelled": int(row[0]), "total": int(row[1])}


def stage_mix(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Funding rounds by stage: count and capital."""
    where, params = replace(f, signals=("funding_round",)).where()
    return con.execute(
        f"SELECT coalesce(d.round_stage, 'undisclosed') AS round_stage, count(*) AS deals, "
        f"coalesce(sum(d.amount_usd), 0) AS capital_usd FROM mart_deals d WHERE {where} "
        f"GROUP BY ALL ORDER BY deals DESC, round_stage", params).df()


def top_investors(con: duckdb.DuckDBPyConnection, f: Filters, n: int = 15) -> pd.DataFrame:
    """Investors by deals led and deals participated in (lead = first named)."""
    where, params = replace(f, signals=f.signals or ("funding_round",)).where()
    return con.execute(
        f"""
        WITH inv AS (
            SELECT d.deal_id, d.amount_usd, unnest(d.investors) AS investor,
                   generate_subscripts(d.investors, 1) AS pos
            FROM mart_deals d WHERE {where} AND len(d.investors) > 0
        )
        SELECT investor, count(*) FILTER (WHERE pos = 1) AS led, count(*) FILTER (WHERE pos > 1) AS participated,
               count(*) AS deals, coalesce(sum(amount_usd) FILTER (WHERE pos = 1), 0) AS led_capital_usd
        FROM inv GROUP BY investor ORDER BY deals DESC, led DESC, investor LIMIT ?
        """, [*params, int(n)]).df()


def top_companies(con: duckdb.DuckDBPyConnection, f: Filters, n: int = 15) -> pd.DataFrame:
    """Companies by capital raised in the filtered deals."""
    where, params = replace(f, signals=f.signals or ("funding_round",)).where()
    return con.execute(
        f"SELECT d.company, any_value(d.company_id) AS company_id, count(*) AS deals, "
        f"coalesce(sum(d.amount_usd), 0) AS capital_usd, max(d.announced_at) AS latest "
        f"FROM mart_deals d WHERE {where} AND d.company IS NOT NULL GROUP BY d.company "
        f"ORDER BY capital_usd DESC, deals DESC, d.company LIMIT ?", [*params, int(n)]).df()


def model_versions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Model versions with their headline metrics, newest first."""
    df = con.execute(
        "SELECT version_id, status, created_at, base_model, method, profile, device, duration_s, metrics, "
        "baseline_metrics, label_counts, notes FROM model_versions WHERE status <> 'deleted' ORDER BY created_at DESC"
    ).df()
    for col in ("metrics", "baseline_metrics", "label_counts"):
        df[col] = df[col].map(lambda s: json.loads(s) if isinstance(s, str) else {})
    for head in ("sector", "signal"):
        df[f"test_{head}_f1"] = df["metrics"].map(lambda m, h=head: m.get("test", {}).get(h, {}).get("macro_f1"))
        df[f"baseline_{head}_f1"] = df["baseline_metrics"].map(
            lambda m, h=head: m.get("test", {}).get(h, {}).get("macro_f1"))
    return df


def sector_totals_by_version(con: duckdb.DuckDBPyConnection, version_a: str, version_b: str) -> pd.DataFrame:
    """Per sector: capital and deal counts of funding-round articles' deals as labelled by each version.

    Compares what two model versions say about the same deals (sector = the version's majority label)."""
    return con.execute(
        """
        WITH lab AS (
            SELECT da.deal_id, p.version_id, arg_max(p.sector, p.sector_conf) AS sector
            FROM deal_articles da JOIN predictions p USING (article_id)
            WHERE p.version_id IN (?, ?) GROUP BY da.deal_id, p.version_id
        ), both_ AS (
            SELECT d.deal_id, d.amount_usd,
                   max(sector) FILTER (WHERE version_id = ?) AS sector_a,
                   max(sector) FILTER (WHERE version_id = ?) AS sector_b
            FROM deals d JOIN lab USING (deal_id) WHERE d.signal = 'funding_round' GROUP BY ALL
        ), sectors AS (SELECT sector_a AS sector FROM both_ UNION SELECT sector_b FROM both_)
        SELECT s.sector,
               coalesce(sum(b.amount_usd) FILTER (WHERE b.sector_a = s.sector), 0) AS capital_a,
               coalesce(sum(b.amount_usd) FILTER (WHERE b.sector_b = s.sector), 0) AS capital_b,
               count(*) FILTER (WHERE b.sector_a = s.sector) AS deals_a,
               count(*) FILTER (WHERE b.sector_b = s.sector) AS deals_b,
               count(*) FILTER (WHERE b.sector_a = s.sector AND b.sector_b <> s.sector) AS relabelled_out,
               count(*) FILTER (WHERE b.sector_b = s.sector AND b.sector_a <> s.sector) AS relabelled_in
        FROM sectors s CROSS JOIN both_ b WHERE s.sector IS NOT NULL
        GROUP BY s.sector ORDER BY s.sector
        """, [version_a, version_b, version_a, version_b]).df()


def company_profile(con: duckdb.DuckDBPyConnection, company_id: str) -> dict | None:
    """A registry company, its deals and investors."""
    c = con.execute("SELECT * FROM companies WHERE company_id = ?", [company_id]).df()
    if c.empty:
        return None
    deals = con.execute("SELECT * FROM mart_deals WHERE company_id = ? ORDER BY announced_at", [company_id]).df()
    investors = con.execute(
        "SELECT i.name AS investor, i.company_id, count(*) AS deals, count(*) FILTER (WHERE i.position = 1) AS led "
        "FROM deal_investors i JOIN deals d USING (deal_id) WHERE d.company_id = ? GROUP BY ALL "
        "ORDER BY deals DESC, investor", [company_id]).df()
    backed = con.execute(
        "SELECT d.deal_id, d.announced_at, d.company, d.amount_usd, d.round_stage, i.position = 1 AS lead "
        "FROM deal_investors i JOIN mart_deals d USING (deal_id) WHERE i.company_id = ? ORDER BY d.announced_at",
        [company_id]).df()
    return {"company": c.iloc[0].to_dict(), "deals": deals, "investors": investors, "portfolio": backed}
