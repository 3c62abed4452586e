"""The companies table: seeded from the registry, edited by analysts with an audit trail, linked at ingest."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dealradar.errors import InputError
from dealradar.paths import REGISTRY_FILE
from dealradar.warehouse import open_warehouse
from etl import companies
from etl.ingest import IngestOptions, ingest


def test_registry_seeded_once_and_edits_audited(db_path):
    with open_warehouse(db_path) as con:
        n = companies.ensure_registry(con)
        assert n == len(pd.read_csv(REGISTRY_FILE))
        assert companies.ensure_registry(con) == 0
        openai = con.execute("SELECT name, kind, sector, sector_origin FROM companies WHERE company_id = 'openai'").fetchall()
        assert openai == [("OpenAI", "startup", "foundation_models", "bundled")]
        companies.set_sector(con, "openai", "developer_tools", "ann")
        assert con.execute("SELECT sector, sector_origin FROM companies WHERE company_id = 'openai'").fetchall() == [
            ("developer_tools", "corrected")]
        companies.add_alias(con, "openai", "OAI", "bob")
        changes = con.execute("SELECT action, before, after, changed_by FROM company_changes ORDER BY change_id").fetchall()
        assert changes[0] == ("set_sector", json.dumps({"sector": "foundation_models", "origin": "bundled"}),
                              json.dumps({"sector": "developer_tools", "origin": "corrected"}), "ann")
        assert changes[1][0] == "add_alias" and "OAI" in json.loads(changes[1][2])["aliases"]
        assert changes[1][3] == "bob"
        with pytest.raises(InputError, match="unknown sector 'robots'"):
            companies.set_sector(con, "openai", "robots", "ann")
        with pytest.raises(InputError, match="no company with id 'nope'"):
            companies.set_sector(con, "nope", "other", "ann")


def test_merge_companies(db_path):
    with open_warehouse(db_path) as con:
        con.execute("INSERT INTO companies VALUES ('a', 'Acme', [], 'startup', 'robotics', 'bundled', NULL, NULL, NULL, "
                    "'{}', NULL, now()), ('b', 'Acme Robotics Inc', ['AcmeBot'], 'startup', NULL, 'inferred', NULL, NULL, "
                    "NULL, '{}', NULL, now())")
        merged = companies.merge_companies(con, "a", "b", "ann")
        assert merged["aliases"] == ["Acme Robotics Inc", "AcmeBot"]
        assert con.execute("SELECT merged_into FROM companies WHERE company_id = 'b'").fetchall() == [("a",)]
        with pytest.raises(InputError, match="into itself"):
            companies.merge_companies(con, "a", "a", "ann")


def test_ingest_links_articles_to_registry_companies(db_path, tmp_path):
    p = tmp_path / "n.csv"
    pd.DataFrame({"title": ["Anthropic raises $4 billion from Amazon", "Tiny Unknownco raises $2M seed"],
                  "date": ["2023-09-25", "2024-01-01"]}).to_csv(p, index=False)
    ingest(db_path, [str(p)], IngestOptions(progress=False))
    with open_warehouse(db_path) as con:
        got = con.execute("SELECT a.title, f.company, f.company_id FROM deal_facts f JOIN articles a USING (article_id) "
                          "ORDER BY a.article_id").fetchall()
    assert got == [("Anthropic raises $4 billion from Amazon", "Anthropic", "anthropic"),
                   ("Tiny Unknownco raises $2M seed", "Tiny Unknownco", None)]


def test_deal_investors_link_to_the_registry(db_path, tmp_path):
    from classifier.labels import add_label
    from etl.deals import rebuild_deals

    p = tmp_path / "n.csv"
    pd.DataFrame({"title": ["Anthropic raises $4 billion led by Amazon, with participation from Google and Unknown Angels Club"],
                  "date": ["2023-09-25"]}).to_csv(p, index=False)
    ingest(db_path, [str(p)], IngestOptions(progress=False))
    with open_warehouse(db_path) as con:
        add_label(con, 1, "foundation_models", "funding_round", "ann")
        rebuild_deals(con)
        rows = con.execute("SELECT d.company_id, i.position, i.name, i.company_id FROM deal_investors i "
                           "JOIN deals d USING (deal_id) ORDER BY i.position").fetchall()
    assert rows == [("anthropic", 1, "Amazon", "amazon"), ("anthropic", 2, "Google", "google"),
                    ("anthropic", 3, "Unknown Angels Club", None)]
