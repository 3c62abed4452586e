"""Fixtures for query, chart and page tests."""

from __future__ import annotations

import pytest
from fixture_warehouse import build_fixture_warehouse


@pytest.fixture
def fixture_db(tmp_path, monkeypatch):
    path = tmp_path / "fixture.duckdb"
    build_fixture_warehouse(path)
    monkeypatch.setenv("DEALRADAR_DB", str(path))
    monkeypatch.setenv("DEALRADAR_HOME", str(tmp_path / "home"))
    return path
