"""Merge reports of the same deal across outlets into one deal; manual merge and split.

Reports are the same deal when they share the signal, name the same company (same
registry id, else names equal after normalisation or fuzzy-equal with rapidfuzz),
have compatible amounts (within 15%, or one undisclosed) and fall within 21 days.
Deals are rebuilt from articles deterministically; a deal's id is its first article's
id, so ids are stable across rebuilds. Manual decisions live in deal_overrides.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import duckdb
import pandas as pd
from rapidfuzz import fuzz

from dealradar.errors import InputError
from dealradar.marts import refresh_deal_sectors
from dealradar.taxonomy import load_taxonomy
from etl.load import utcnow

log = logging.getLogger(__name__)

WINDOW = timedelta(days=21)
AMOUNT_TOLERANCE = 0.15
FUZZY_CUTOFF = 90
SWAP_DAYS = 3
_SUFFIXES = re.compile(
    r"\b(inc|incorporated|corp|corporation|co|ltd|limited|llc|plc|gmbh|ag|sa|sas|bv|pte|pvt|"
    r"private|technologies|technology|labs|ai|hq|group|holdings)\b\.?"
)


def company_key(name: str | None) -> str | None:
    """Normalise a company name for matching: accents, case, punctuation, legal suffixes."""
    if not name:
        return None
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or name
    s = s.lower().replace("&", " and ")
    s = re.sub(r"[’'`]s\b", "", s)
    s = re.sub(r"[^\w\s]", " ", s)
    stripped = _SUFFIXES.sub(" ", s)
    s = " ".join((stripped if stripped.strip() else s).split())
    return s or None


def amounts_compatible(a: float | None, b: float | None, tol: float = AMOUNT_TOLERANCE) -> bool:
    """True when either is undisclosed or they differ by at most `tol` of the larger."""
    if a is None or b is None or a != a or b != b:
        return True
    hi = max(abs(a), abs(b))
    return hi == 0 or abs(a - b) / hi <= tol


@dataclass
class _Deal:
    signal: str
    keys: set[str]
    company_ids: set[str]
    first: datetime
    last: datetime
    amounts: list[float] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    pin: str | None = None
    parties: set[str] = field(default_factory=set)  # acquirers and lead investors named by the reports
    valuations: list[float] = field(default_factory=list)

    def _same_company(self, r: dict) -> bool:
        if r["company_id"] and r["company_id"] in self.company_ids:
            return True
        if r["company_key"]:
            if r["company_key"] in self.keys:
                return True
            if not (r["company_id"] and self.company_ids):
                return any(_similar_names(r["company_key"], k) for k in self.keys)
        return False

    def _swapped_roles(self, r: dict) -> bool:
        """One outlet names the buyer or the lead investor where another names the company
        ("Nvidia to buy Arm" vs "Arm agrees to Nvidia deal"). Weaker evidence than a shared company,
        so the reports must also be within SWAP_DAYS or state the same amount."""
        if not ((r["company_key"] and r["company_key"] in self.parties) or (_parties(r) & self.keys)):
            return False
        close = abs((r["published_at"] - self.last).days) <= SWAP_DAYS
        same_amount = r["amount_usd"] is not None and any(
            a is not None and amounts_compatible(r["amount_usd"], a) for a in self.amounts)
        return close or same_amount

    def matches(self, r: dict) -> bool:
        if r["signal"] != self.signal or self.pin is not None:
            return False
        if r["published_at"] - self.last > WINDOW or self.first - r["published_at"] > WINDOW:
            return False
        if not (self._same_company(r) or self._swapped_roles(r)):
            return False
        return self._amount_fits(r)

    def _amount_fits(self, r: dict) -> bool:
        """Amounts within tolerance; an outlet that reports the valuation as "the amount" also fits."""
        amt = r["amount_usd"]
        if all(amounts_compatible(amt, a) for a in self.amounts):
            return True
        if amt is None:
            return True
        vals = self.valuations + ([r["valuation_usd"]] if r.get("valuation_usd") else [])
        return any(amounts_compatible(amt, v) for v in self.valuations) or any(
            amounts_compatible(a, v) for a in self.amounts for v in vals)

    def add(self, r: dict) -> None:
        self.rows.append(r)
        if r["company_key"]:
            self.keys.add(r["company_key"])
        if r["company_id"]:
            self.company_ids.add(r["company_id"])
        self.parties |= _parties(r)
        if r["amount_usd"] is not None and r["amount_usd"] == r["amount_usd"]:
            self.amounts.append(r["amount_usd"])
        if r.get("valuation_usd"):
            self.valuations.append(r["valuation_usd"])
        self.first = min(self.first, r["published_at"])
        self.last = max(self.last, r["published_at"])


def _similar_names(a: str, b: str) -> bool:
    """Near-identical names, or one name the other plus descriptive words ("Skyroot" / "Skyroot Aerospace")."""
    if fuzz.ratio(a, b) >= FUZZY_CUTOFF:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.startswith(short + " ") and fuzz.token_set_ratio(a, b) == 100


def _parties(r: dict) -> set[str]:
    """Normalised names of the buyer and the lead investor of a report."""
    out = set()
    for name in (r.get("acquirer"), (r.get("investors") or [None])[0]):
        key = company_key(name)
        if key:
            out.add(key)
    return out


def _candidates(con: duckdb.DuckDBPyConnection) -> list[dict]:
    signals = list(load_taxonomy().deal_signals)
    df = con.execute(
        """
        SELECT a.article_id, coalesce(a.published_at, a.ingested_at) AS published_at, al.signal,
               f.company, f.company_id, f.amount, f.currency, f.amount_usd, f.round_stage,
               f.valuation_usd, f.investors, f.acquirer, o.pin_key
        FROM articles a
        JOIN stg_article_labels al USING (article_id)
        JOIN deal_facts f USING (article_id)
        LEFT JOIN deal_overrides o USING (article_id)
        WHERE al.signal IN (SELECT unnest(?::VARCHAR[]))
          AND (f.company IS NOT NULL OR f.company_id IS NOT NULL OR o.pin_key IS NOT NULL)
        ORDER BY published_at, a.article_id
        """,
        [signals],
    ).df()
    rows = df.to_dict("records")
    for r in rows:
        r["company_key"] = company_key(r["company"])
        for k in ("amount", "amount_usd", "valuation_usd"):
            if r[k] is not None and r[k] != r[k]:
                r[k] = None
        for k in ("company_id", "pin_key", "acquirer", "currency", "round_stage"):
            if isinstance(r[k], float):
                r[k] = None
        r["investors"] = list(r["investors"]) if r["investors"] is not None and not isinstance(r["investors"], float) else []
        r["published_at"] = pd.Timestamp(r["published_at"]).to_pydatetime()
    return rows


def group_reports(rows: list[dict]) -> list[list[dict]]:
    """Group candidate reports (sorted by date) into deals; pinned rows group by pin key only."""
    deals: list[_Deal] = []
    pinned: dict[str, _Deal] = {}
    for r in rows:
        if r.get("pin_key"):
            d = pinned.get(r["pin_key"])
            if d is None:
                d = _Deal(r["signal"], set(), set(), r["published_at"], r["published_at"], pin=r["pin_key"])
                pinned[r["pin_key"]] = d
                deals.append(d)
            d.add(r)
            continue
        target = None
        for d in reversed(deals):  # newest first; stop at deals that ended before the window
            if d.last < r["published_at"] - WINDOW:
                break
            if d.matches(r):
                target = d
                break
        if target is None:
            target = _Deal(r["signal"], set(), set(), r["published_at"], r["published_at"])
            deals.append(target)
        target.add(r)
        deals.sort(key=lambda x: x.last)
    return [d.rows for d in deals]


def _consensus(rows: list[dict], key: str) -> tuple[object, list]:
    vals = [r[key] for r in rows if r[key] not in (None, "", [])]
    if not vals:
        return None, []
    hashable = [json.dumps(v) if isinstance(v, list) else v for v in vals]
    counts = Counter(hashable)
    best = max(counts, key=lambda v: (counts[v], -hashable.index(v)))
    value = vals[hashable.index(best)]
    distinct = list(dict.fromkeys(hashable))
    return value, distinct if len(distinct) > 1 else []


def summarise(rows: list[dict]) -> dict:
    """One deal's facts from its reports (most common value, earliest first) and its conflicts."""
    out: dict = {"deal_id": min(r["article_id"] for r in rows), "signal": rows[0]["signal"],
                 "n_articles": len(rows), "announced_at": min(r["published_at"] for r in rows)}
    conflicts = {}
    for key in ("company", "company_id", "amount", "currency", "round_stage", "valuation_usd", "acquirer"):
        value, distinct = _consensus(rows, key)
        out[key] = value
        if distinct and key in ("amount", "round_stage", "valuation_usd", "acquirer"):
            conflicts[key] = distinct
    usd = [r["amount_usd"] for r in rows if r["amount_usd"] is not None]
    out["amount_usd"] = None
    if out["amount"] is not None:
        match = [r["amount_usd"] for r in rows if r["amount"] == out["amount"] and r["amount_usd"] is not None]
        out["amount_usd"] = match[0] if match else (usd[0] if usd else None)
    investors: list[str] = []
    for r in rows:
        for name in r["investors"]:
            if name not in investors:
                investors.append(name)
    out["investors"] = investors
    out["company_key"] = company_key(out["company"])
    out["has_conflict"] = bool(conflicts)
    out["conflicts"] = json.dumps(conflicts, default=str) if conflicts else None
    out["manual"] = any(r.get("pin_key") for r in rows)
    out["article_ids"] = [r["article_id"] for r in rows]
    return out


def rebuild_deals(con: duckdb.DuckDBPyConnection) -> dict:
    """Rebuild deals and deal_articles from the current labels, predictions and facts (one transaction)."""
    rows = _candidates(con)
    groups = group_reports(rows)
    deals = [summarise(g) for g in groups]
    now = utcnow()
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM deal_articles")
        con.execute("DELETE FROM deal_investors")
        con.execute("DELETE FROM deals")
        if deals:
            cols = ["deal_id", "signal", "company", "company_key", "company_id", "amount", "currency",
                    "amount_usd", "round_stage", "valuation_usd", "investors", "acquirer", "announced_at",
                    "n_articles", "has_conflict", "conflicts", "manual"]
            df = pd.DataFrame([{c: d[c] for c in cols} for d in deals], columns=cols)
            con.register("_deals", df)
            con.execute(
                f"INSERT INTO deals ({', '.join(cols)}, updated_at) SELECT "
                f"{', '.join(c if c != 'investors' else 'investors::VARCHAR[]' for c in cols)}, ? FROM _deals",
                [now],
            )
            con.unregister("_deals")
            links = pd.DataFrame([(aid, d["deal_id"]) for d in deals for aid in d["article_ids"]],
                                 columns=["article_id", "deal_id"])
            con.register("_links", links)
            con.execute("INSERT INTO deal_articles SELECT article_id, deal_id FROM _links")
            con.unregister("_links")
            _insert_investors(con, deals)
        refresh_deal_sectors(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    stats = {"deals": len(deals), "articles": len(rows),
             "multi_report": sum(1 for d in deals if d["n_articles"] > 1),
             "conflicts": sum(1 for d in deals if d["has_conflict"])}
    log.info("rebuilt deals: %s", stats)
    return stats


def _insert_investors(con: duckdb.DuckDBPyConnection, deals: list[dict]) -> None:
    """deal_investors rows, each investor linked to the registry when its name is a known company or alias."""
    rows = [(d["deal_id"], i, name) for d in deals for i, name in enumerate(d["investors"], 1)]
    if not rows:
        return
    ids: dict[str, str | None] = {}
    has_registry = con.execute("SELECT count(*) FROM companies").fetchall()[0][0] > 0
    if has_registry:
        from etl.companies import linker_for

        linker = linker_for(con)
        for name in {r[2] for r in rows}:
            hit = next((m for m in linker.find_mentions(name) if m.start == 0 and m.end == len(name)), None)
            ids[name] = hit.company_id if hit else None
    df = pd.DataFrame([(d, p, n, ids.get(n)) for d, p, n in rows], columns=["deal_id", "position", "name", "company_id"])
    con.register("_inv", df)
    con.execute("INSERT INTO deal_investors SELECT deal_id, position, name, company_id FROM _inv")
    con.unregister("_inv")


def merge_deals(con: duckdb.DuckDBPyConnection, deal_ids: list[int], by: str = "analyst") -> dict:
    """Merge deals by hand: their articles are pinned together, then deals are rebuilt."""
    if len(deal_ids) < 2:
        raise InputError("merge needs at least two deal ids")
    arts = con.execute(
        "SELECT article_id FROM deal_articles WHERE deal_id IN (SELECT unnest(?::BIGINT[]))", [deal_ids]
    ).fetchall()
    found = {r[0] for r in con.execute(
        "SELECT DISTINCT deal_id FROM deal_articles WHERE deal_id IN (SELECT unnest(?::BIGINT[]))", [deal_ids]
    ).fetchall()}
    missing = sorted(set(deal_ids) - found)
    if missing:
        raise InputError(f"no deal with id {', '.join(map(str, missing))}")
    _pin(con, [a for (a,) in arts], f"merge:{min(deal_ids)}", by)
    return rebuild_deals(con)


def split_deal(con: duckdb.DuckDBPyConnection, deal_id: int, article_ids: list[int], by: str = "analyst") -> dict:
    """Move `article_ids` out of a deal into a deal of their own; the rest stay together."""
    members = [r[0] for r in con.execute(
        "SELECT article_id FROM deal_articles WHERE deal_id = ? ORDER BY article_id", [deal_id]).fetchall()]
    if not members:
        raise InputError(f"no deal with id {deal_id}")
    bad = sorted(set(article_ids) - set(members))
    if bad or not article_ids:
        raise InputError(f"articles {bad or article_ids} are not in deal {deal_id}")
    rest = [a for a in members if a not in article_ids]
    if not rest:
        raise InputError("a split must leave at least one article in the deal")
    _pin(con, article_ids, f"split:{min(article_ids)}", by)
    _pin(con, rest, f"split:{min(rest)}", by)
    return rebuild_deals(con)


def _pin(con: duckdb.DuckDBPyConnection, article_ids: list[int], key: str, by: str) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM deal_overrides WHERE article_id IN (SELECT unnest(?::BIGINT[]))", [article_ids])
        con.executemany("INSERT INTO deal_overrides VALUES (?, ?, ?, ?)",
                        [[a, key, by, utcnow()] for a in article_ids])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
