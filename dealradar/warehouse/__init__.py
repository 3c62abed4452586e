"""The DuckDB warehouse: opening it safely, migrations, and the connection helpers."""

from dealradar.warehouse.connection import connect, open_warehouse, warehouse_info
from dealradar.warehouse.migrations import CURRENT_VERSION, apply_migrations, schema_version

__all__ = [
    "CURRENT_VERSION",
    "apply_migrations",
    "connect",
    "open_warehouse",
    "schema_version",
    "warehouse_info",
]
