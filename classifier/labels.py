"""Analysts' labels: store, undo, and read them back (who and when)."""

from __future__ import annotations

import duckdb

from dealradar.errors import InputError
from dealradar.marts import refresh_deal_sectors
from dealradar.taxonomy import load_taxonomy
from etl.load import utcnow


def add_label(con: duckdb.DuckDBPyConnection, article_id: int, sector: str, signal: str, by: str,
              action: str = "correct") -> int:
    """Store an analyst's sector and signal for an article; returns the label id."""
    tax = load_taxonomy()
    if sector not in tax.sectors:
        raise InputError(f"unknown sector {sector!r}")
    if signal not in tax.signals:
        raise InputError(f"unknown signal {signal!r}")
    if action not in ("accept", "correct"):
        raise InputError(f"unknown label action {action!r}")
    if not by or not by.strip():
        raise InputError("a label needs the analyst's name")
    if not con.execute("SELECT count(*) FROM articles WHERE article_id = ?", [int(article_id)]).fetchone()[0]:
        raise InputError(f"no article with id {article_id}")
    label_id = con.execute("SELECT nextval('seq_label_id')").fetchone()[0]
    con.execute("INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?, ?, false)",
                [label_id, int(article_id), sector, signal, action, by.strip(), utcnow()])
    refresh_deal_sectors(con, [int(article_id)])
    return int(label_id)


def undo_last_label(con: duckdb.DuckDBPyConnection, by: str) -> int | None:
    """Undo the most recent not-yet-undone label by `by`; returns its article id (None if nothing)."""
    row = con.execute("SELECT label_id, article_id FROM labels WHERE labelled_by = ? AND NOT undone "
                      "ORDER BY labelled_at DESC, label_id DESC LIMIT 1", [by]).fetchone()
    if row is None:
        return None
    con.execute("UPDATE labels SET undone = true WHERE label_id = ?", [row[0]])
    refresh_deal_sectors(con, [int(row[1])])
    return int(row[1])
