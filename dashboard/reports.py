"""Sector reports for a period: CSV, Excel (a sheet per table plus sources), self-contained HTML, PDF.

Every export records its filters, the active model version and the taxonomy version, in the file and in
the warehouse's exports table. Article text is escaped everywhere.
"""

from __future__ import annotations

import html
import io
import json
import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import charts, queries
from dealradar.errors import InputError
from dealradar.taxonomy import load_taxonomy
from etl.load import utcnow

log = logging.getLogger(__name__)
FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "html": "text/html", "pdf": "application/pdf"}


@dataclass(frozen=True)
class ReportRequest:
    """What to report on."""

    sector: str | None = None
    start: date | None = None
    end: date | None = None
    fmt: str = "csv"
    granularity: str = "quarter"
    created_by: str = "analyst"

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise InputError(f"report format must be one of {', '.join(FORMATS)}")
        if self.sector is not None and self.sector not in load_taxonomy().sectors:
            raise InputError(f"unknown sector {self.sector!r}")
        if self.start and self.end and self.start > self.end:
            raise InputError("report start is after its end")

    @classmethod
    def from_strings(cls, sector=None, start=None, end=None, fmt="csv", created_by="cli") -> ReportRequest:
        try:
            s = date.fromisoformat(start) if start else None
            e = date.fromisoformat(end) if end else None
        except ValueError as exc:
            raise InputError(f"dates must look like 2024-12-31 ({exc})") from exc
        return cls(sector=sector, start=s, end=e, fmt=fmt, created_by=created_by)

    def filters(self) -> queries.Filters:
        return queries.Filters(start=self.start, end=self.end, sectors=(self.sector,) if self.sector else (),
                               granularity=self.granularity)

    def filename(self) -> str:
        part = self.sector or "all-sectors"
        span = f"{self.start or 'start'}_{self.end or 'latest'}"
        return f"dealradar-{part}-{span}.{self.fmt}"


def report_tables(con: duckdb.DuckDBPyConnection, req: ReportRequest) -> dict[str, pd.DataFrame]:
    """The report's tables."""
    f = req.filters()
    deals = queries.deals_table(con, f, "amount_usd", True, 100_000)
    deals["investors"] = deals["investors"].map(lambda v: "; ".join(v) if v is not None and len(v) else "")
    ids = deals["deal_id"].astype("int64").tolist()
    sources = con.execute(
        "SELECT da.deal_id, a.article_id, a.outlet, a.published_at, a.title, a.url FROM deal_articles da "
        "JOIN articles a USING (article_id) WHERE da.deal_id IN (SELECT unnest(?::BIGINT[])) "
        "ORDER BY da.deal_id, a.published_at", [ids]).df()
    return {
        "capital_by_period": queries.capital_by_sector(con, f),
        "stages": queries.stage_mix(con, f),
        "investors": queries.top_investors(con, f, 50),
        "companies": queries.top_companies(con, f, 50),
        "deals": deals,
        "sources": sources,
    }


def report_metadata(con: duckdb.DuckDBPyConnection, req: ReportRequest) -> dict:
    """Filters, model version, taxonomy version and time of the export."""
    active = con.execute("SELECT version_id FROM model_versions WHERE status = 'active'").fetchone()
    return {"filters": {k: (str(v) if isinstance(v, date) else v) for k, v in asdict(req).items()
                        if k not in ("fmt", "created_by")},
            "model_version": active[0] if active else None, "taxonomy_version": load_taxonomy().version,
            "generated_at": utcnow().isoformat(timespec="seconds"), "created_by": req.created_by}


def _record(con: duckdb.DuckDBPyConnection, req: ReportRequest, meta: dict) -> None:
    con.execute("INSERT INTO exports VALUES (nextval('seq_export_id'), ?, ?, ?, ?, ?, ?)",
                [req.fmt, json.dumps(meta["filters"]), meta["model_version"], meta["taxonomy_version"],
                 req.created_by, datetime.fromisoformat(meta["generated_at"])])


def _html(tables: dict, meta: dict, req: ReportRequest, interactive: bool = True) -> str:
    tax = load_taxonomy()
    title = f"DealRadar report: {tax.sector_name(req.sector) if req.sector else 'all sectors'}"
    figs = [charts.capital_by_sector(tables["capital_by_period"], "capital_usd"),
            charts.stage_mix(tables["stages"]), charts.top_investors(tables["investors"].head(15))]
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p>Period {html.escape(str(req.start or 'start'))} to {html.escape(str(req.end or 'latest'))}. "
             f"Model {html.escape(str(meta['model_version']))}, taxonomy v{meta['taxonomy_version']}, "
             f"generated {html.escape(meta['generated_at'])} UTC by {html.escape(meta['created_by'])}.</p>"]
    for i, fig in enumerate(figs):
        if interactive:
            parts.append(fig.to_html(full_html=False, include_plotlyjs="inline" if i == 0 else False))
        else:
            try:
                parts.append(fig.to_image(format="svg").decode("utf-8"))
            except Exception as e:  # kaleido needs a Chromium; the PDF keeps its tables without it
                log.warning("chart left out of the PDF (%s)", e)
    for name in ("deals", "investors", "companies", "sources"):
        df = tables[name].head(200 if name in ("deals", "sources") else 50)
        parts.append(f"<h2>{html.escape(name)}</h2>" + df.to_html(index=False, escape=True, na_rep=""))
    parts.append(f"<pre>{html.escape(json.dumps(meta, indent=2))}</pre>")
    style = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:11px}"
             "td,th{border:1px solid #ccc;padding:2px 4px}")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula (untrusted article text) with a quote."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return out


def build_report(con: duckdb.DuckDBPyConnection, req: ReportRequest) -> tuple[bytes, str, str]:
    """(file bytes, MIME type, file name) of a report; the export is recorded in the warehouse."""
    tables = {name: defuse_formulas(df) for name, df in report_tables(con, req).items()}
    meta = report_metadata(con, req)
    if req.fmt == "csv":
        df = tables["deals"].copy()
        df["report_filters"] = json.dumps(meta["filters"])
        df["model_version"] = meta["model_version"]
        df["taxonomy_version"] = meta["taxonomy_version"]
        data = df.to_csv(index=False).encode("utf-8")
    elif req.fmt == "xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xw:
            pd.DataFrame([{"key": k, "value": json.dumps(v) if isinstance(v, dict) else v} for k, v in meta.items()]) \
                .to_excel(xw, sheet_name="about", index=False)
            for name, df in tables.items():
                out = df.copy()
                for col in out.columns:
                    if pd.api.types.is_datetime64_any_dtype(out[col]):
                        out[col] = out[col].dt.tz_localize(None) if getattr(out[col].dt, "tz", None) else out[col]
                out.to_excel(xw, sheet_name=name[:31], index=False)
        data = buf.getvalue()
    elif req.fmt == "html":
        data = _html(tables, meta, req).encode("utf-8")
    else:
        from weasyprint import HTML

        data = HTML(string=_html(tables, meta, req, interactive=False)).write_pdf()
    _record(con, req, meta)
    return data, FORMATS[req.fmt], req.filename()


def write_report(con: duckdb.DuckDBPyConnection, req: ReportRequest, path: Path) -> Path:
    """Build a report and write it to `path`."""
    data, _, _ = build_report(con, req)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
