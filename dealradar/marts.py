"""Pre-aggregated marts, refreshed after the writes that change them."""

from __future__ import annotations

import duckdb


def refresh_deal_sectors(con: duckdb.DuckDBPyConnection, article_ids: list[int] | None = None) -> None:
    """Recompute deal sectors (majority effective label of a deal's articles): all deals, or only the
    deals holding `article_ids`."""
    if article_ids is None:
        deals = None
        con.execute("DELETE FROM deal_sectors")
    else:
        deals = [r[0] for r in con.execute(
            "SELECT DISTINCT deal_id FROM deal_articles WHERE article_id IN (SELECT unnest(?::BIGINT[]))",
            [[int(a) for a in article_ids]]).fetchall()]
        if not deals:
            return
        con.execute("DELETE FROM deal_sectors WHERE deal_id IN (SELECT unnest(?::BIGINT[]))", [deals])
    where = "" if deals is None else "AND da.deal_id IN (SELECT unnest(?::BIGINT[]))"
    con.execute(f"""
        INSERT INTO deal_sectors
        SELECT deal_id, arg_max(sector, n) FROM (
            SELECT da.deal_id, al.sector, count(*) AS n
            FROM deal_articles da JOIN stg_article_labels al USING (article_id)
            WHERE al.sector IS NOT NULL {where} GROUP BY ALL
        ) GROUP BY deal_id
    """, [] if deals is None else [deals])
