"""The bundled corpus: schema, taxonomy ids, splits, coverage, duplicates, amounts, originality."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from dealradar.paths import CORPUS_FILE
from dealradar.taxonomy import load_taxonomy

TAX = load_taxonomy()
SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"
COLUMNS = ["id", "outlet", "published_at", "title", "body", "url", "sector", "signal", "company", "amount",
           "currency", "amount_usd", "round_stage", "valuation_usd", "investors", "acquirer", "real_company",
           "deal_group", "tags", "split", "batch"]


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return pd.read_csv(CORPUS_FILE, keep_default_na=False, na_values={"amount": [""], "amount_usd": [""],
                                                                      "valuation_usd": [""]})


def test_schema_and_types(corpus):
    assert list(corpus.columns) == COLUMNS
    assert corpus["id"].is_unique and corpus["id"].str.fullmatch(r"dr-[0-9a-f]{12}").all()
    dates = pd.to_datetime(corpus["published_at"], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp("2015-01-01") and dates.max() <= pd.Timestamp("2026-10-31")
    assert corpus["url"].str.startswith("https://news.example.com/").all()
    assert set(corpus["real_company"].astype(str)) <= {"True", "False"}
    assert corpus["investors"].map(lambda s: isinstance(json.loads(s), list)).all()
    assert (corpus["title"].str.len() > 10).all() and (corpus["body"].str.len() > 30).all()


def test_ids_valid_against_the_taxonomy(corpus):
    assert set(corpus["sector"]) <= set(TAX.sectors)
    assert set(corpus["signal"]) <= set(TAX.signals)
    stages = set(corpus.loc[corpus["round_stage"] != "", "round_stage"])
    assert stages <= set(TAX.round_stages)
    assert (corpus.loc[corpus["signal"] != "funding_round", "round_stage"] == "").all()
    assert (corpus.loc[corpus["signal"] == "funding_round", "round_stage"] != "").all()


def test_split_integrity(corpus):
    assert set(corpus["split"]) == {"train", "validation", "test"}
    assert (corpus["split"] == "test").mean() >= 0.15
    groups = corpus[corpus["deal_group"] != ""].groupby("deal_group")["split"].nunique()
    assert (groups == 1).all(), groups[groups > 1]
    for head in ("sector", "signal"):  # stratified: every class in every split
        for split, part in corpus.groupby("split"):
            assert set(part[head]) == set(corpus[head]), (head, split)


def test_coverage_thresholds(corpus):
    sectors = corpus["sector"].value_counts()
    signals = corpus["signal"].value_counts()
    assert len(corpus) >= 3000
    assert sectors.min() >= 150, sectors
    assert signals.drop("vc_fund").min() >= 200 and signals["vc_fund"] >= 120, signals
    assert signals["none"] / len(corpus) >= 0.30
    for sector in TAX.sectors:
        sigs = set(corpus.loc[corpus["sector"] == sector, "signal"])
        assert {"funding_round", "none"} <= sigs, sector
    with_amount = corpus[corpus["amount"].notna()]
    assert (with_amount["currency"] != "USD").mean() >= 0.10
    assert ((corpus["signal"] == "funding_round") & corpus["amount"].isna()).sum() >= 30  # undisclosed rounds
    full = corpus["tags"].str.contains("full_article")
    assert full.sum() >= 400
    words = corpus.loc[full, "body"].str.split().str.len()
    assert words.between(150, 520).all()
    sizes = corpus[corpus["deal_group"] != ""].groupby("deal_group").size()
    assert sizes.min() >= 2 and sizes.between(2, 4).sum() >= 150
    multi_outlet = corpus[corpus["deal_group"] != ""].groupby("deal_group")["outlet"].nunique()
    assert (multi_outlet >= 2).mean() >= 0.95


def test_no_duplicate_texts(corpus):
    assert corpus["title"].str.lower().str.strip().is_unique
    assert corpus["body"].str.lower().str.strip().is_unique


def test_amounts_consistent_with_currencies(corpus):
    has = corpus["amount"].notna()
    assert (corpus.loc[has, "currency"].str.fullmatch(r"[A-Z]{3}")).all()
    assert (corpus.loc[~has, "currency"] == "").all()
    assert (corpus.loc[has, "amount"] > 0).all()
    usd = corpus[has & (corpus["currency"] == "USD")]
    assert (usd["amount"] - usd["amount_usd"]).abs().max() < 0.01
    other = corpus[has & (corpus["currency"] != "USD") & corpus["amount_usd"].notna()]
    ratio = other["amount_usd"] / other["amount"]
    bounds = {"EUR": (0.9, 1.7), "GBP": (1.1, 1.8), "INR": (0.010, 0.017), "CNY": (0.12, 0.17), "JPY": (0.006, 0.011),
              "CAD": (0.65, 0.85), "SGD": (0.65, 0.8), "CHF": (0.95, 1.3)}
    for cur, (lo, hi) in bounds.items():
        r = ratio[other["currency"] == cur]
        assert r.between(lo, hi).all(), (cur, r.describe())
    none = corpus[corpus["signal"] == "none"]
    assert none["amount"].isna().all() and (none["investors"] == "[]").all()


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/datasets is absent")
def test_no_dataset_headline_appears_in_the_corpus(corpus):
    text = "\n".join(corpus["title"].str.lower()) + "\n" + "\n".join(corpus["body"].str.lower())
    titles = set()
    for name, col in (("techcrunch_headlines_2015_2017.csv", "title"), ("techcrunch_articles_2024_09.csv", "Title"),
                      ("techcrunch_labelled_dev_2015_2017.csv", "title")):
        with open(SHARED / name, encoding="utf-8", errors="replace") as fh:
            titles |= {(r.get(col) or "").strip().lower() for r in csv.DictReader(fh)}
    hits = [t for t in titles if len(t) >= 30 and t in text]
    assert hits == []


def test_outlets_are_invented_and_many():
    corpus = pd.read_csv(CORPUS_FILE, usecols=["outlet"])
    assert corpus["outlet"].nunique() >= 10
    assert not any(re.search(r"techcrunch|reuters|bloomberg|forbes", o, re.I) for o in corpus["outlet"].unique())
