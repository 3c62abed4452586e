"""The taxonomy data file carries TAXONOMY.md's ids, names and definitions verbatim, with its version."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from dealradar.paths import DATA_DIR, PROJECT_ROOT
from dealradar.taxonomy import load_taxonomy

SHARED = PROJECT_ROOT.parent / "shared" / "TAXONOMY.md"


def _parse(md_path: Path) -> dict:
    spec = importlib.util.spec_from_file_location("build_taxonomy", PROJECT_ROOT / "scripts" / "build_taxonomy.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.parse(md_path.read_text(encoding="utf-8"))


def test_data_file_matches_the_bundled_markdown():
    tax = load_taxonomy()
    assert tax.raw == _parse(DATA_DIR / "taxonomy" / "TAXONOMY.md")
    assert tax.version == 1
    assert tax.sectors == ("foundation_models", "ai_infrastructure", "developer_tools", "enterprise_software",
                           "healthcare", "fintech", "mobility_space", "robotics", "security_defense",
                           "commerce_retail", "media_consumer", "climate_energy", "other")
    assert tax.signals == ("funding_round", "vc_fund", "acquisition", "ipo", "layoffs_shutdown", "none")
    assert tax.round_stages[:3] == ("pre_seed", "seed", "series_a") and tax.round_stages[-4:] == (
        "growth", "debt", "grant", "undisclosed")
    assert tax.sector_name("fintech") == "Fintech & insurance"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/TAXONOMY.md is absent")
def test_bundled_markdown_is_the_shared_contract():
    assert (DATA_DIR / "taxonomy" / "TAXONOMY.md").read_text() == SHARED.read_text()
