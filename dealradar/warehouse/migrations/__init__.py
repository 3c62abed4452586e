"""Versioned schema migrations, applied in order when a warehouse is opened."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import duckdb

from dealradar.errors import WarehouseError

log = logging.getLogger(__name__)

APP_ID = "dealradar"


def _migration_files() -> list[tuple[int, str, str]]:
    files = []
    for entry in resources.files(__package__).iterdir():
        m = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if m:
            files.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    return sorted(files)


MIGRATIONS = _migration_files()
CURRENT_VERSION = MIGRATIONS[-1][0]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The warehouse's schema version (0 for an empty database)."""
    try:
        return int(con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0])
    except duckdb.CatalogException:
        return 0


def apply_migrations(con: duckdb.DuckDBPyConnection, path: Path | str = "warehouse") -> int:
    """Bring the schema up to CURRENT_VERSION, each migration in its own transaction.

    Refuses a DuckDB file that holds other tables but no DealRadar schema, and a
    warehouse written by a newer schema version. Returns the number applied.
    """
    version = schema_version(con)
    if version == 0:
        n_tables = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()[0][0]
        if n_tables:
            raise WarehouseError(
                f"{path} is a DuckDB file but not a DealRadar warehouse ({n_tables} other tables). "
                "Nothing was changed: pass another --db."
            )
    if version > CURRENT_VERSION:
        raise WarehouseError(
            f"{path} was written by a newer DealRadar (schema v{version}, this one knows "
            f"v{CURRENT_VERSION}). Upgrade DealRadar; nothing was changed."
        )
    applied = 0
    for number, name, sql in MIGRATIONS:
        if number <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if number == 1:
                con.execute(
                    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                    " applied_at TIMESTAMP NOT NULL)"
                )
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)",
                [number, name, datetime.now(timezone.utc).replace(tzinfo=None)],
            )
            if number == 1:
                con.execute("INSERT INTO meta VALUES ('app', ?)", [APP_ID])
            con.execute("COMMIT")
        except Exception as e:
            con.execute("ROLLBACK")
            raise WarehouseError(f"{path}: migration {number:04d}_{name} failed: {e}") from e
        log.info("applied migration %04d_%s to %s", number, name, path)
        applied += 1
    return applied
