"""AppTest for every page: renders, filters change results, a label is stored, an export is a valid file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dealradar.warehouse import open_warehouse

PAGES = Path(__file__).resolve().parents[2] / "dashboard" / "pages"
ALL = ["overview", "sectors", "deals", "articles", "companies", "review", "model", "reports"]


def page(name: str, secrets: dict | None = None) -> AppTest:
    """The real app (st.navigation) switched to one page."""
    at = AppTest.from_file(str(PAGES.parent / "app.py"), default_timeout=60)
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    at.switch_page(f"pages/{name}.py")
    return at.run()


@pytest.mark.parametrize("name", ALL)
def test_every_page_renders(fixture_db, name):
    at = page(name)
    assert not at.exception, at.exception


def test_app_navigation_renders(fixture_db):
    at = AppTest.from_file(str(PAGES.parent / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Where AI capital is flowing"


def test_overview_kpis_and_sector_filter(fixture_db):
    at = page("overview")
    assert [m.value for m in at.metric][:3] == ["$45.0M", "3", "$10.0M"]
    at.sidebar.multiselect(key="ov_sectors").set_value(["fintech"]).run()
    assert [m.value for m in at.metric][:3] == ["$30.0M", "1", "$30.0M"]


def test_deals_filter_changes_table(fixture_db):
    at = page("deals")
    assert len(at.dataframe[0].value) == 4
    at.sidebar.text_input(key="dl_inv").set_value("foo").run()
    assert sorted(at.dataframe[0].value["company"]) == ["Acme", "Gamma"]


def test_articles_search(fixture_db):
    at = page("articles")
    assert len(at.dataframe[0].value) == 6
    at.sidebar.text_input(key="ar_search").set_value("lays off").run()
    assert at.dataframe[0].value["article_id"].tolist() == [5]


def test_review_stores_a_label_and_undo(fixture_db):
    at = page("review")
    at.sidebar.text_input(key="analyst_name").set_value("ann").run()
    assert at.subheader[0].value == r"Zeta launches \<b\>new\</b\> app"  # least confident first, escaped: text only
    at.button(key="rv_accept").click().run()
    with open_warehouse(fixture_db) as con:
        assert con.execute("SELECT article_id, sector, signal, action, labelled_by FROM labels").fetchall() == [
            (6, "media_consumer", "none", "accept", "ann")]
    assert at.subheader[0].value == "Epsilon lays off 10% of staff"
    at.selectbox(key="rv_sector_5").set_value("security_defense")
    at.button(key="rv_save").click().run()
    with open_warehouse(fixture_db) as con:
        rows = con.execute("SELECT article_id, sector, action FROM labels ORDER BY label_id").fetchall()
    assert rows == [(6, "media_consumer", "accept"), (5, "security_defense", "correct")]
    at.button(key="rv_skip").click().run()
    assert at.subheader[0].value == r"Gamma bags \$5M seed from Foo"  # article 4 skipped, 3 is next
    at.button(key="rv_undo").click().run()
    with open_warehouse(fixture_db) as con:
        assert con.execute("SELECT article_id FROM labels WHERE undone").fetchall() == [(5,)]


def test_reports_export_excel(fixture_db):
    at = page("reports")
    at.radio(key="rp_fmt").set_value("xlsx").run()
    at.button[0].click().run()
    assert not at.exception
    data, mime, name = at.session_state["report"]
    assert name.endswith(".xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["about", "capital_by_period", "stages", "investors", "companies", "deals", "sources"]
    assert wb["deals"].max_row == 1 + 4
    with open_warehouse(fixture_db) as con:
        assert con.execute("SELECT format, version_id, taxonomy_version FROM exports").fetchall() == [("xlsx", "v1", 1)]


def test_companies_page_finds_by_alias(fixture_db):
    at = page("companies")
    at.text_input(key="co_search").set_value("Acme Robotics").run()
    assert at.subheader[0].value == "Acme"


def test_read_only_mode_hides_editing(fixture_db, tmp_path, monkeypatch):
    at = page("review", secrets={"auth": {"readonly": True}})
    assert "Labelling is restricted" in at.info[0].value


def test_company_profile_from_a_link(fixture_db):
    at = AppTest.from_file(str(PAGES.parent / "app.py"), default_timeout=60)
    at.query_params["company"] = "acme"
    at.switch_page("pages/companies.py")
    at.run()
    assert not at.exception and at.subheader[0].value == "Acme"


def test_password_protects_editing(fixture_db):
    at = page("review", secrets={"auth": {"password": "s3cret"}})
    assert "Labelling is restricted" in at.info[0].value
    at.sidebar.text_input(key="editor_pw").set_value("wrong").run()
    assert at.sidebar.error[0].value == "Wrong password"
    at.sidebar.text_input(key="editor_pw").set_value("s3cret").run()
    assert not at.info and at.button(key="rv_accept") is not None


def test_bad_deal_link_is_a_warning(fixture_db):
    at = AppTest.from_file(str(PAGES.parent / "app.py"), default_timeout=60)
    at.query_params["deal"] = "abc"
    at.switch_page("pages/deals.py")
    at.run()
    assert not at.exception and at.warning[0].value == "That link does not name a deal."


def test_model_page_shows_candidate_before_and_after(fixture_db):
    import json

    cmp = {"test": {"sector": {"macro_f1": {"before": 0.8, "after": 0.85, "delta": 0.05},
                               "per_class": {"robotics": {"before": 0.7, "after": 0.9, "delta": 0.2}}}}}
    with open_warehouse(fixture_db) as con:
        con.execute("INSERT INTO model_versions (version_id, created_at, base_model, method, hyperparams, data_hash, "
                    "label_counts, metrics, device, duration_s, path, taxonomy_version, status) VALUES ('v2', "
                    "'2024-08-01', 'tiny', 'full', '{}', 'h', '{}', ?, 'cpu', 1, '/x', 1, 'candidate')",
                    [json.dumps({"comparison": cmp})])
    at = page("model")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "change" in d.value.columns)
    assert table[["class", "before", "after"]].values.tolist() == [["(macro-F1)", 0.8, 0.85], ["robotics", 0.7, 0.9]]
