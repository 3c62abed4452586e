"""Where DealRadar keeps its warehouse, models and bundled data."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
TAXONOMY_FILE = DATA_DIR / "taxonomy" / "taxonomy.json"
CORPUS_FILE = DATA_DIR / "corpus" / "corpus.csv"
REGISTRY_FILE = DATA_DIR / "registry" / "companies.csv"


def home() -> Path:
    """The folder holding the warehouse and models: $DEALRADAR_HOME, else ./var in the project."""
    env = os.environ.get("DEALRADAR_HOME")
    return Path(env).expanduser() if env else PROJECT_ROOT / "var"


def default_db_path() -> Path:
    """The warehouse file: $DEALRADAR_DB, else <home>/dealradar.duckdb."""
    env = os.environ.get("DEALRADAR_DB")
    return Path(env).expanduser() if env else home() / "dealradar.duckdb"


def models_dir() -> Path:
    """The folder of versioned model folders: $DEALRADAR_MODELS, else <home>/models."""
    env = os.environ.get("DEALRADAR_MODELS")
    return Path(env).expanduser() if env else home() / "models"
