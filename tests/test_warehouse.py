"""Opening the warehouse: migrations, and a clear error for every bad file or location."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import duckdb
import pytest

from dealradar.errors import WarehouseError, WarehouseLockedError
from dealradar.warehouse import CURRENT_VERSION, connect, open_warehouse, schema_version
from dealradar.warehouse.migrations import MIGRATIONS

TABLES = {"ingest_runs", "articles", "rejects", "deals", "deal_articles", "labels", "model_versions", "predictions",
          "deal_facts", "companies", "company_changes", "exports", "feed_state", "deal_overrides", "meta",
          "schema_version"}


def test_new_file_gets_every_migration(tmp_path):
    path = tmp_path / "sub" / "w.duckdb"
    with open_warehouse(path) as con:
        assert schema_version(con) == CURRENT_VERSION == len(MIGRATIONS)
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_type = 'BASE TABLE'").fetchall()}
        assert tables >= TABLES
        assert con.execute("SELECT value FROM meta WHERE key = 'app'").fetchone()[0] == "dealradar"
        assert [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()] == \
            list(range(1, CURRENT_VERSION + 1))


def test_reopen_applies_nothing_and_keeps_data(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as con:
        con.execute("INSERT INTO meta VALUES ('note', 'kept')")
    with open_warehouse(path) as con:
        assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == CURRENT_VERSION
        assert con.execute("SELECT value FROM meta WHERE key = 'note'").fetchone()[0] == "kept"


def test_newer_schema_is_refused_and_untouched(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as con:
        con.execute("INSERT INTO schema_version VALUES (?, 'future', now())", [CURRENT_VERSION + 1])
    with pytest.raises(WarehouseError, match=rf"newer DealRadar \(schema v{CURRENT_VERSION + 1}"):
        connect(path)
    con = duckdb.connect(str(path))
    assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == CURRENT_VERSION + 1
    con.close()


def test_missing_file_refused_when_not_creating(tmp_path):
    with pytest.raises(WarehouseError, match="no warehouse at .*nope.duckdb.*dealradar init"):
        connect(tmp_path / "nope.duckdb", create=False)
    assert not (tmp_path / "nope.duckdb").exists()


def test_corrupt_file_is_refused_and_not_overwritten(tmp_path):
    path = tmp_path / "w.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(WarehouseError, match=r"w\.duckdb is not a DuckDB warehouse"):
        connect(path)
    assert path.read_bytes() == b"this is not a database" * 100


def test_foreign_duckdb_file_is_refused(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (x INTEGER)")
    con.close()
    with pytest.raises(WarehouseError, match=r"not a DealRadar warehouse \(1 other tables\)"):
        connect(path)
    con = duckdb.connect(str(path))
    assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["sales"]
    con.close()


def test_folder_is_refused(tmp_path):
    with pytest.raises(WarehouseError, match="is a folder"):
        connect(tmp_path)


def test_read_only_location(tmp_path):
    if os.geteuid() == 0:  # root ignores permission bits: use a location no one can write
        target = "/sys/dealradar-test.duckdb"
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        target = str(ro / "w.duckdb")
    with pytest.raises(WarehouseError, match="not writable|read-only|cannot create"):
        connect(target)


def test_second_process_holding_the_lock(tmp_path):
    path = tmp_path / "w.duckdb"
    connect(path).close()
    holder = subprocess.Popen([sys.executable, "-c",
                               f"import duckdb,time; c=duckdb.connect({str(path)!r}); print('held', flush=True); "
                               "time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        t0 = time.monotonic()
        with pytest.raises(WarehouseLockedError, match=r"w\.duckdb: another process holds the warehouse's write lock"):
            connect(path, lock_timeout=0.5)
        assert time.monotonic() - t0 >= 0.5
    finally:
        holder.kill()
        holder.wait()
    connect(path, lock_timeout=5).close()  # released: opens again
