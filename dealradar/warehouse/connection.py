"""Open the warehouse file with clear errors for every way it can go wrong.

Concurrency design: DuckDB lets one process write a file at a time. Every
DealRadar process (CLI, dashboard, background training) opens the warehouse
for one unit of work only (a query, a batch of rows, a label) and closes it
again, and retries with backoff while another process holds the lock. Long
computations (training, parsing files) run with no connection open.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dealradar.errors import WarehouseError, WarehouseLockedError
from dealradar.paths import default_db_path
from dealradar.warehouse.migrations import apply_migrations

log = logging.getLogger(__name__)

DEFAULT_LOCK_TIMEOUT = float(os.environ.get("DEALRADAR_LOCK_TIMEOUT", "30"))


def _is_lock_error(exc: Exception) -> bool:
    msg = str(exc).lower()
    return "lock" in msg and ("conflicting" in msg or "could not set lock" in msg)


def _classify_open_error(path: Path, exc: Exception) -> WarehouseError:
    msg = str(exc)
    low = msg.lower()
    if _is_lock_error(exc):
        return WarehouseLockedError(
            f"{path}: another process holds the warehouse's write lock "
            f"({msg.splitlines()[0][:160]}). Wait for it to finish, or stop it, then retry."
        )
    if "not a valid duckdb database" in low or "corrupt" in low or "invalid" in low and "header" in low:
        return WarehouseError(
            f"{path} is not a DuckDB warehouse (corrupt or another kind of file). "
            "Nothing was changed: move it away or pass another --db."
        )
    if "read-only" in low or "permission denied" in low or "read only" in low:
        return WarehouseError(
            f"{path}: the location is not writable. Choose a writable path with --db or DEALRADAR_DB."
        )
    if "serialized in" in low or "storage version" in low or "newer" in low:
        return WarehouseError(
            f"{path} was written by a newer DuckDB storage format; upgrade DealRadar's duckdb."
        )
    return WarehouseError(f"{path}: cannot open the warehouse: {msg.splitlines()[0][:200]}")


def connect(
    path: str | Path | None = None,
    *,
    create: bool = True,
    migrate: bool = True,
    lock_timeout: float | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse at `path` (default location when None) and bring its schema up to date.

    `create=False` refuses a missing file instead of creating it. Lock conflicts are
    retried with jittered backoff for `lock_timeout` seconds before WarehouseLockedError.
    """
    p = Path(path).expanduser() if path else default_db_path()
    timeout = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    if p.is_dir():
        raise WarehouseError(f"{p} is a folder, not a warehouse file. Pass a file path with --db.")
    if not p.exists():
        if not create:
            raise WarehouseError(
                f"no warehouse at {p}. Run `dealradar init` (or `dealradar ingest`) first, "
                "or pass the right --db."
            )
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise WarehouseError(
                f"{p}: cannot create its folder ({e.strerror}). "
                "Choose a writable path with --db or DEALRADAR_DB."
            ) from e
        if not os.access(p.parent, os.W_OK):
            raise WarehouseError(
                f"{p}: the folder {p.parent} is read-only. "
                "Choose a writable path with --db or DEALRADAR_DB."
            )
    elif not os.access(p, os.W_OK) or not os.access(p.parent, os.W_OK):
        raise WarehouseError(
            f"{p}: the file or its folder is read-only. "
            "Choose a writable path with --db or DEALRADAR_DB, or fix its permissions."
        )
    deadline = time.monotonic() + timeout
    delay = 0.05
    flagged = False
    try:
        while True:
            try:
                con = duckdb.connect(str(p), config={"python_enable_replacements": False})
                break
            except (duckdb.IOException, duckdb.Error) as e:
                err = _classify_open_error(p, e)
                if isinstance(err, WarehouseLockedError) and time.monotonic() < deadline:
                    if not flagged:  # ask cooperative readers (the dashboard) to step aside
                        flagged = _raise_wait_flag(p)
                    time.sleep(delay * (1 + random.random()))
                    delay = min(delay * 2, 0.5)
                    continue
                raise err from e
    finally:
        if flagged:
            _wait_flag(p).unlink(missing_ok=True)
    if migrate:
        try:
            apply_migrations(con, p)
        except Exception:
            con.close()
            raise
    return con


def _wait_flag(p: Path) -> Path:
    return p.with_name(p.name + ".waiting")


def _raise_wait_flag(p: Path) -> bool:
    try:
        _wait_flag(p).write_text(str(os.getpid()))
        return True
    except OSError:
        return False


def writer_waiting(path: str | Path, max_age: float = 120.0) -> bool:
    """True while another process waits for the warehouse's lock (readers should release it)."""
    f = _wait_flag(Path(path))
    try:
        age = time.time() - f.stat().st_mtime
        pid = int(f.read_text() or 0)
    except (OSError, ValueError):
        return False
    if age > max_age or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


@contextmanager
def open_warehouse(path: str | Path | None = None, **kwargs) -> Iterator[duckdb.DuckDBPyConnection]:
    """Context manager around `connect` that always closes the connection."""
    con = connect(path, **kwargs)
    try:
        yield con
    finally:
        con.close()


def warehouse_info(con: duckdb.DuckDBPyConnection) -> dict:
    """Row counts of the main tables and the schema version."""
    from dealradar.warehouse.migrations import schema_version

    info = {"schema_version": schema_version(con)}
    for table in ("articles", "rejects", "ingest_runs", "deals", "labels", "model_versions",
                  "predictions", "companies"):
        try:
            info[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except duckdb.Error:
            info[table] = None
    return info
