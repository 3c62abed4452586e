"""Checks on the bundled company registry (data/registry)."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.linking import normalise  # noqa: E402

REGISTRY_DIR = ROOT / "data" / "registry"
COMPANIES = REGISTRY_DIR / "companies.csv"
CURATED = REGISTRY_DIR / "curated.csv"
MAPPING = REGISTRY_DIR / "sector_mapping.csv"
TAXONOMY_FILES = [ROOT / "data" / "taxonomy" / "TAXONOMY.md", ROOT.parent / "shared" / "TAXONOMY.md"]

COLUMNS = [
    "company_id", "name", "aliases", "kind", "sector", "country", "founded_year",
    "description", "sources",
]
KINDS = {"startup", "big_tech", "investor", "other"}
SOURCES = {
    "unicorn_companies_2022", "crunchbase_acquisitions_2015",
    "indian_startup_funding_2015_2020", "public_knowledge",
}
FACTS = {"name", "aliases", "kind", "sector", "country", "founded_year", "description"}
SECTORS_V1 = {
    "foundation_models", "ai_infrastructure", "developer_tools", "enterprise_software",
    "healthcare", "fintech", "mobility_space", "robotics", "security_defense",
    "commerce_retail", "media_consumer", "climate_energy", "other",
}


def _taxonomy_sectors() -> set[str]:
    """Sector ids from TAXONOMY.md's sector table (falls back to v1's 13 ids)."""
    for path in TAXONOMY_FILES:
        if path.exists():
            text = path.read_text(encoding="utf-8")
            section = text.split("## Sectors", 1)[-1].split("\n## ", 1)[0]
            found = set(re.findall(r"^\|\s*`([a-z_]+)`\s*\|", section, re.MULTILINE))
            if found:
                return found
    return SECTORS_V1


SECTORS = _taxonomy_sectors()


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _read(COMPANIES)


def test_taxonomy_has_13_sectors() -> None:
    assert SECTORS == SECTORS_V1


def test_schema(rows: list[dict[str, str]]) -> None:
    with COMPANIES.open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == COLUMNS
    for r in rows:
        assert r["name"].strip(), r
        assert r["description"].strip(), r


def test_at_least_2500_rows(rows: list[dict[str, str]]) -> None:
    assert len(rows) >= 2500


def test_company_ids_unique_and_slugs(rows: list[dict[str, str]]) -> None:
    counts = Counter(r["company_id"] for r in rows)
    assert [cid for cid, n in counts.items() if n > 1] == []
    bad = [r["company_id"] for r in rows if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", r["company_id"])]
    assert bad == []


def test_rows_sorted_by_id(rows: list[dict[str, str]]) -> None:
    ids = [r["company_id"] for r in rows]
    assert ids == sorted(ids)


def test_sectors_valid(rows: list[dict[str, str]]) -> None:
    assert {r["sector"] for r in rows} <= SECTORS
    # every sector is represented
    assert {r["sector"] for r in rows} == SECTORS


def test_kinds_valid(rows: list[dict[str, str]]) -> None:
    kinds = Counter(r["kind"] for r in rows)
    assert set(kinds) <= KINDS
    assert kinds["investor"] >= 150 and kinds["big_tech"] >= 20


def test_country_and_year_formats(rows: list[dict[str, str]]) -> None:
    for r in rows:
        assert r["country"] == "" or re.fullmatch(r"[A-Z]{2}", r["country"]), r
        if r["founded_year"]:
            assert r["founded_year"].isdigit(), r
            assert 1600 <= int(r["founded_year"]) <= 2026, r


def test_sources_json_valid(rows: list[dict[str, str]]) -> None:
    for r in rows:
        sources = json.loads(r["sources"])
        assert isinstance(sources, dict) and sources, r
        assert set(sources) <= FACTS, r
        assert set(sources.values()) <= SOURCES, r
        assert "name" in sources and "sector" in sources, r
        for fact in ("aliases", "country", "founded_year"):
            if r[fact]:
                assert fact in sources, (fact, r)


def test_no_duplicate_normalised_names(rows: list[dict[str, str]]) -> None:
    counts = Counter(normalise(r["name"]) for r in rows)
    assert [n for n, c in counts.items() if c > 1] == []


def test_aliases_clean(rows: list[dict[str, str]]) -> None:
    for r in rows:
        if not r["aliases"]:
            continue
        aliases = r["aliases"].split("|")
        assert all(a.strip() == a and a for a in aliases), r
        assert normalise(r["name"]) not in {normalise(a) for a in aliases}, r


def test_key_companies_present(rows: list[dict[str, str]]) -> None:
    by_id = {r["company_id"]: r for r in rows}
    expected = {
        "openai": ("startup", "foundation_models"),
        "anthropic": ("startup", "foundation_models"),
        "nvidia": ("big_tech", "ai_infrastructure"),
        "coreweave": ("startup", "ai_infrastructure"),
        "databricks": ("startup", "ai_infrastructure"),
        "andreessen-horowitz": ("investor", "other"),
        "y-combinator": ("investor", "other"),
        "stripe": ("startup", "fintech"),
    }
    for cid, (kind, sector) in expected.items():
        assert (by_id[cid]["kind"], by_id[cid]["sector"]) == (kind, sector), cid
    assert "ChatGPT" in by_id["openai"]["aliases"].split("|")
    assert "Claude" in by_id["anthropic"]["aliases"].split("|")


def test_curated_file() -> None:
    curated = _read(CURATED)
    assert len(curated) >= 700
    assert {r["sector"] for r in curated} <= SECTORS
    assert {r["kind"] for r in curated} <= KINDS
    assert len({r["company_id"] for r in curated}) == len(curated)


def test_sector_mapping_table() -> None:
    mapping = _read(MAPPING)
    assert list(mapping[0]) == ["source_dataset", "source_value", "sector", "note"]
    assert {r["sector"] for r in mapping} <= SECTORS
    datasets = {r["source_dataset"] for r in mapping}
    assert {"unicorn_companies_2022", "crunchbase_acquisitions_2015",
            "indian_startup_funding_2015_2020", "keyword"} <= datasets
    for r in mapping:
        if r["source_dataset"] == "keyword":
            re.compile(r["source_value"])
