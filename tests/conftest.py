"""Shared fixtures: an isolated DealRadar home, a tiny random BERT, a tiny labelled corpus."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from dealradar.taxonomy import load_taxonomy  # noqa: E402

TAX = load_taxonomy()

SECTOR_WORDS = {
    "foundation_models": "language model lab chatbot", "ai_infrastructure": "GPU cloud chips datacenter",
    "developer_tools": "coding assistant for programmers", "enterprise_software": "CRM software for sales teams",
    "healthcare": "drug discovery biotech clinic", "fintech": "payments neobank lending",
    "mobility_space": "self-driving trucks satellites", "robotics": "warehouse robots humanoid",
    "security_defense": "cybersecurity threat detection", "commerce_retail": "ecommerce marketplace retail",
    "media_consumer": "social app games music", "climate_energy": "solar batteries fusion",
    "other": "miscellaneous general news",
}
SIGNAL_TEMPLATES = {
    "funding_round": "{c} raises $12 million Series A for its {w}",
    "vc_fund": "{c} Ventures closes $200 million fund for {w}",
    "acquisition": "BigCo acquires {c}, maker of {w}",
    "ipo": "{c} files for IPO as {w} demand grows",
    "layoffs_shutdown": "{c} lays off 20% of staff in {w} unit",
    "none": "{c} launches new product in {w}",
}


def make_tiny_corpus(n_per_cell: int = 1) -> pd.DataFrame:
    """Every sector x signal once per split (plus extra train copies): tiny but complete."""
    rows = []
    names = itertools.count(1)
    for split, reps in (("train", 2 * n_per_cell), ("validation", 1), ("test", 1)):
        for sector, words in SECTOR_WORDS.items():
            for signal, tpl in SIGNAL_TEMPLATES.items():
                for _ in range(reps):
                    c = f"Co{next(names)}"
                    title = tpl.format(c=c, w=words)
                    rows.append({"id": f"t{len(rows)}", "title": title, "body": f"{title}. More about {words}.",
                                 "sector": sector, "signal": signal, "split": split,
                                 "published_at": "2024-01-15", "outlet": "Test Wire",
                                 "url": f"https://news.example.com/{len(rows)}"})
    return pd.DataFrame(rows)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty DealRadar home with its own warehouse and models folders."""
    monkeypatch.setenv("DEALRADAR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DEALRADAR_DB", raising=False)
    monkeypatch.delenv("DEALRADAR_MODELS", raising=False)
    monkeypatch.setenv("DEALRADAR_DEV_SET", str(tmp_path / "no-dev-set.csv"))
    return tmp_path / "home"


@pytest.fixture
def db_path(home) -> Path:
    return home / "dealradar.duckdb"


@pytest.fixture(scope="session")
def tiny_corpus_file(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("corpus") / "corpus.csv"
    make_tiny_corpus().to_csv(p, index=False)
    return p


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory) -> Path:
    """A randomly initialised 2-layer BERT with the packaged MiniLM tokenizer, saved as safetensors."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertModel

    from classifier.model import resolve_base_model

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("tiny-bert")
    tok = AutoTokenizer.from_pretrained(resolve_base_model("default"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128)
    BertModel(cfg).save_pretrained(path, safe_serialization=True)
    tok.save_pretrained(path)
    return path
