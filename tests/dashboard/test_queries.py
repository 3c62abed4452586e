"""queries.py on the hand-written fixture warehouse: exact values."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import queries
from dashboard.queries import ArticleFilters, Filters
from dealradar.warehouse import open_warehouse


@pytest.fixture
def con(fixture_db):
    with open_warehouse(fixture_db) as c:
        yield c


def test_capital_by_sector_quarterly(con):
    df = queries.capital_by_sector(con, Filters())
    assert df.assign(period=df["period"].astype(str)).to_dict("records") == [
        {"period": "2024-01-01", "sector": "fintech", "capital_usd": 30e6, "deals": 1, "provisional": False},
        {"period": "2024-01-01", "sector": "robotics", "capital_usd": 10e6, "deals": 1, "provisional": False},
        {"period": "2024-04-01", "sector": "robotics", "capital_usd": 5e6, "deals": 1, "provisional": True},
    ]


def test_capital_by_sector_monthly_and_filtered(con):
    df = queries.capital_by_sector(con, Filters(granularity="month", sectors=("robotics",)))
    assert df["period"].astype(str).tolist() == ["2024-01-01", "2024-04-01"]
    assert df["provisional"].tolist() == [False, False]  # April ends 2024-05-01, 60 days before the newest article


def test_kpis_with_previous_period(con):
    k = queries.kpis(con, Filters(start=date(2024, 4, 1), end=date(2024, 6, 30)))
    assert (k["capital_usd"], k["deals"], k["median_round_usd"], k["top_sector"]) == (5e6, 1, 5e6, "robotics")
    assert k["previous"] == {"capital_usd": 40e6, "deals": 2, "median_round_usd": 20e6, "top_sector": "fintech"}
    assert k["capital_change"] == pytest.approx(-0.875)
    assert k["deals_change"] == pytest.approx(-0.5)


def test_signal_mix(con):
    df = queries.signal_mix(con, Filters())
    got = [(str(r.period)[:10], r.signal, r.events) for r in df.itertuples()]
    assert got == [("2024-01-01", "funding_round", 2), ("2024-04-01", "acquisition", 1),
                   ("2024-04-01", "funding_round", 1), ("2024-04-01", "layoffs_shutdown", 1)]


def test_largest_deals_and_sorting(con):
    assert queries.largest_deals(con, Filters())["company"].tolist() == ["Delta", "Beta", "Acme", "Gamma"]
    asc = queries.deals_table(con, Filters(), "announced_at", descending=False)
    assert asc["deal_id"].tolist() == [1, 2, 3, 4]
    with pytest.raises(ValueError, match="cannot sort by"):
        queries.deals_table(con, Filters(), "amount_usd; DROP TABLE deals")


@pytest.mark.parametrize("f, ids", [
    (Filters(investor="foo"), [1, 3]),
    (Filters(company="et"), [2]),
    (Filters(min_usd=6e6, max_usd=50e6), [2, 1]),
    (Filters(stages=("seed",)), [3]),
    (Filters(signals=("acquisition",)), [4]),
    (Filters(start=date(2024, 2, 1), end=date(2024, 4, 5)), [2, 3]),
    (Filters(company="' OR 1=1 --"), []),
])
def test_deal_filters(con, f, ids):
    assert queries.deals_table(con, f)["deal_id"].tolist() == ids


def test_top_investors_lead_vs_participant(con):
    df = queries.top_investors(con, Filters())
    assert df[["investor", "led", "participated", "deals", "led_capital_usd"]].to_dict("records") == [
        {"investor": "Foo", "led": 2, "participated": 0, "deals": 2, "led_capital_usd": 15e6},
        {"investor": "Bar", "led": 1, "participated": 1, "deals": 2, "led_capital_usd": 30e6},
    ]


def test_stage_mix_and_top_companies(con):
    assert queries.stage_mix(con, Filters())[["round_stage", "deals"]].values.tolist() == [
        ["seed", 1], ["series_a", 1], ["series_b", 1]]
    assert queries.top_companies(con, Filters())["company"].tolist() == ["Beta", "Acme", "Gamma"]


def test_deal_detail_and_drilldown(con):
    d = queries.deal_detail(con, 4)
    assert (d["deal"]["company"], d["deal"]["sector"], d["deal"]["acquirer"]) == ("Delta", "fintech", "BigCo")
    assert d["articles"]["evidence"].iloc[0] == [{"field": "company", "value": "BigCo", "source": "title", "start": 0,
                                                  "end": 5, "text": "BigCo"}]
    assert queries.deal_detail(con, 99) is None
    drill = queries.deals_in_period(con, Filters(), date(2024, 1, 1), "robotics")
    assert drill["company"].tolist() == ["Acme"]


def test_articles_and_review_queue(con):
    arts = queries.articles_table(con, ArticleFilters(search="raises"))
    assert arts["article_id"].tolist() == [1]
    low = queries.articles_table(con, ArticleFilters(max_conf=0.5))
    assert low["article_id"].tolist() == [6, 5]
    q = queries.review_queue(con, 3)
    assert q["article_id"].tolist() == [6, 5, 4]
    assert queries.review_queue(con, 3, skip=(6,))["article_id"].tolist() == [5, 4, 3]
    assert queries.review_progress(con) == {"labelled": 0, "total": 6}


def test_labels_override_predictions(con):
    from classifier.labels import add_label, undo_last_label

    add_label(con, 1, "healthcare", "funding_round", "ann")
    assert queries.deals_table(con, Filters(sectors=("healthcare",)))["deal_id"].tolist() == [1]
    assert queries.review_progress(con) == {"labelled": 1, "total": 6}
    assert undo_last_label(con, "ann") == 1
    assert queries.deals_table(con, Filters(sectors=("healthcare",))).empty


def test_data_version_changes_after_a_label(con):
    from classifier.labels import add_label

    before = queries.data_version(con)
    add_label(con, 2, "fintech", "funding_round", "ann", "accept")
    assert queries.data_version(con) != before


def test_model_versions(con):
    df = queries.model_versions(con)
    assert df[["version_id", "status", "test_sector_f1", "test_signal_f1"]].values.tolist() == [["v1", "active", 0.8, 0.9]]


def test_company_profile(con):
    p = queries.company_profile(con, "acme")
    assert p["company"]["name"] == "Acme" and isinstance(p["deals"], pd.DataFrame)
    assert queries.company_profile(con, "nope") is None


def test_latest_articles(con):
    assert queries.latest_articles(con, "robotics")["article_id"].tolist() == [5, 3, 1]
    assert queries.latest_articles(con, "robotics", date(2024, 2, 1), date(2024, 5, 1), 1)["article_id"].tolist() == [3]
