"""Deal merging: grouping rules on hand-written reports, consensus and conflicts, manual merge and split."""

from __future__ import annotations

from datetime import datetime

import pytest

from dealradar.errors import InputError
from dealradar.warehouse import open_warehouse
from etl.deals import amounts_compatible, company_key, group_reports, merge_deals, rebuild_deals, split_deal, summarise


def rep(aid, day, company, usd=None, signal="funding_round", cid=None, acquirer=None, investors=(), valuation=None,
        stage=None, pin=None):
    return {"article_id": aid, "published_at": datetime(2024, 1, day), "signal": signal, "company": company,
            "company_key": company_key(company), "company_id": cid, "amount": usd, "currency": "USD" if usd else None,
            "amount_usd": usd, "round_stage": stage, "valuation_usd": valuation, "investors": list(investors),
            "acquirer": acquirer, "pin_key": pin}


@pytest.mark.parametrize("name, key", [("Acme Robotics, Inc.", "acme robotics"), ("ACME Labs", "acme"),
                                       ("Café AI", "cafe"), ("Mistral's", "mistral"), ("AI", "ai"), (None, None)])
def test_company_key(name, key):
    assert company_key(name) == key


def test_amounts_compatible():
    assert amounts_compatible(100e6, 110e6)
    assert not amounts_compatible(100e6, 120e6)
    assert amounts_compatible(None, 5e6) and amounts_compatible(5e6, None)


def ids(groups):
    return sorted(sorted(r["article_id"] for r in g) for g in groups)


def test_grouping_rules():
    rows = [
        rep(1, 1, "Acme", 100e6), rep(2, 3, "ACME Inc", 102e6), rep(3, 5, "Acme", None),   # same deal
        rep(4, 6, "Acme", 300e6),                                                          # amount too far
        rep(5, 2, "Beta", 10e6), rep(6, 25, "Beta", 10e6),                                 # 23 days apart
        rep(7, 2, "Gamma", 5e6, signal="acquisition"), rep(8, 3, "Gamma", 5e6),            # other signal
        rep(9, 4, "Skyroot", 51e6), rep(10, 5, "Skyroot Aerospace", 50e6),                 # name plus words
        rep(11, 7, "Delta", 2e9, valuation=None), rep(12, 8, "Delta", 20e9),               # valuation reported as amount
    ]
    rows[10]["valuation_usd"] = 20e9
    rows.sort(key=lambda r: (r["published_at"], r["article_id"]))
    assert ids(group_reports(rows)) == [[1, 2, 3], [4], [5], [6], [7], [8], [9, 10], [11, 12]]


def test_registry_ids_and_swapped_roles():
    rows = sorted([
        rep(1, 1, "Ola", 50e6, cid="ola"), rep(2, 1, "Ola Electric", 50e6, cid="ola-electric"),  # distinct ids
        rep(3, 10, "Arm", 40e9, signal="acquisition", acquirer="Nvidia"),
        rep(4, 11, "Nvidia", None, signal="acquisition"),                     # buyer named as the company, next day
        rep(5, 20, "Deci", None, signal="acquisition", acquirer="Nvidia"),   # another Nvidia deal, 9 days later
    ], key=lambda r: (r["published_at"], r["article_id"]))
    assert ids(group_reports(rows)) == [[1], [2], [3, 4], [5]]


def test_pins_override_rules():
    rows = [rep(1, 1, "Acme", 1e6, pin="split:1"), rep(2, 2, "Acme", 1e6, pin="split:2"), rep(3, 3, "Zed", 9e6, pin="split:1")]
    assert ids(group_reports(rows)) == [[1, 3], [2]]


def test_summary_consensus_and_conflicts():
    d = summarise([rep(1, 1, "Acme", 100e6, investors=["A", "B"], stage="series_b"),
                   rep(2, 2, "Acme", 100e6, investors=["A", "C"], stage="series_b"),
                   rep(3, 3, "Acme", 105e6, stage="series_c")])
    assert (d["deal_id"], d["amount_usd"], d["round_stage"], d["investors"], d["n_articles"]) == \
        (1, 100e6, "series_b", ["A", "B", "C"], 3)
    assert d["has_conflict"]
    assert d["conflicts"] == '{"amount": [100000000.0, 105000000.0], "round_stage": ["series_b", "series_c"]}'


def _seed(con):
    con.execute("INSERT INTO model_versions (version_id, created_at, base_model, method, hyperparams, data_hash, "
                "label_counts, device, duration_s, path, taxonomy_version, status) VALUES ('v', now(), 'm', 'full', "
                "'{}', 'h', '{}', 'cpu', 1, '/x', 1, 'active')")
    for aid, day, company, usd in [(1, 1, "Acme", 10e6), (2, 2, "Acme", 10e6), (3, 3, "Acme", 10e6), (4, 4, "Beta", 5e6)]:
        con.execute("INSERT INTO articles (article_id, run_id, source, title, body, published_at, content_hash, "
                    "ingested_at) VALUES (?, 1, 's', ?, '', ?, ?, now())",
                    [aid, f"{company} {aid}", datetime(2024, 1, day), f"h{aid}"])
        con.execute("INSERT INTO predictions VALUES (?, 'v', 'robotics', 0.9, NULL, NULL, 'funding_round', 0.9, NULL, "
                    "NULL, now())", [aid])
        con.execute("INSERT INTO deal_facts (article_id, company, amount, currency, amount_usd, extracted_at) "
                    "VALUES (?, ?, ?, 'USD', ?, now())", [aid, company, usd, usd])


def test_rebuild_merge_and_split(db_path):
    with open_warehouse(db_path) as con:
        _seed(con)
        assert rebuild_deals(con) == {"deals": 2, "articles": 4, "multi_report": 1, "conflicts": 0}
        assert con.execute("SELECT deal_id, n_articles FROM deals ORDER BY 1").fetchall() == [(1, 3), (4, 1)]
        assert con.execute("SELECT deal_id, sector FROM deal_sectors ORDER BY 1").fetchall() == [(1, "robotics"), (4, "robotics")]
        split_deal(con, 1, [3], by="ann")
        assert con.execute("SELECT deal_id, n_articles, manual FROM deals ORDER BY 1").fetchall() == [
            (1, 2, True), (3, 1, True), (4, 1, False)]
        merge_deals(con, [3, 4], by="ann")
        assert con.execute("SELECT deal_id, n_articles FROM deals ORDER BY 1").fetchall() == [(1, 2), (3, 2)]
        rebuild_deals(con)  # manual decisions survive a rebuild
        assert con.execute("SELECT deal_id, n_articles FROM deals ORDER BY 1").fetchall() == [(1, 2), (3, 2)]
        with pytest.raises(InputError, match="no deal with id 99"):
            merge_deals(con, [1, 99])
        with pytest.raises(InputError, match="a split must leave at least one article"):
            split_deal(con, 1, [1, 2])
        with pytest.raises(InputError, match=r"articles \[4\] are not in deal 1"):
            split_deal(con, 1, [4])
