"""Ingest from every format: mapping, rejects with reasons, balanced counts, idempotent re-runs."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import pytest

from dealradar.errors import InputError
from dealradar.warehouse import open_warehouse
from etl.ingest import IngestOptions, ingest

NOX = IngestOptions(extract=False, progress=False, batch_size=3)


def rows(db, sql, params=()):
    with open_warehouse(db) as con:
        return con.execute(sql, list(params)).fetchall()


def test_csv_cp1252_with_mapping_and_rejects(db_path, tmp_path):
    p = tmp_path / "news.csv"
    text = ('Headline,Summary,When,Link\n'
            '"Café Robotics raises €5m","Paris-based, ""fast"" robots",2024-03-01,https://a.example.com/1?utm_source=x\n'
            ',no title here,2024-03-02,https://a.example.com/2\n'
            '"Acme lands $3M","seed",No date,https://a.example.com/2024/03/05/acme\n'
            '"too,many",fields,here,x,y\n')
    p.write_bytes(text.encode("cp1252"))
    opts = IngestOptions(extract=False, progress=False, mapping={"title": "Headline"}, batch_size=2)
    [s] = ingest(db_path, [str(p)], opts)
    assert (s["read"], s["loaded"], s["duplicates"], s["rejected"]) == (4, 2, 0, 2)
    arts = rows(db_path, "SELECT title, body, published_at, date_flag, canonical_url FROM articles ORDER BY position")
    assert arts == [
        ("Café Robotics raises €5m", 'Paris-based, "fast" robots', datetime(2024, 3, 1), None, "https://a.example.com/1"),
        ("Acme lands $3M", "seed", datetime(2024, 3, 5), "from_url", "https://a.example.com/2024/03/05/acme"),
    ]
    rej = rows(db_path, "SELECT position, reason FROM rejects ORDER BY position")
    assert rej == [(3, "no title"), (5, "malformed record: 5 fields, header has 4")]


def test_rerun_inserts_nothing_and_counts_balance(db_path, tmp_path):
    p = tmp_path / "n.csv"
    urls = ["https://x.example.com/a", "https://x.example.com/b", "https://x.example.com/c"]
    pd.DataFrame({"title": ["A raises $1M", "B raises $2M", "A raises $1M"], "url": urls}).to_csv(p, index=False)
    [first] = ingest(db_path, [str(p)], NOX)
    [second] = ingest(db_path, [str(p)], NOX)
    assert (first["loaded"], first["duplicates"]) == (2, 1)
    assert (second["read"], second["loaded"], second["duplicates"], second["rejected"]) == (3, 0, 3, 0)
    assert rows(db_path, "SELECT count(*) FROM articles") == [(2,)]
    runs = rows(db_path, "SELECT n_read, n_loaded, n_duplicates, n_rejected, status FROM ingest_runs ORDER BY run_id")
    assert runs == [(3, 2, 1, 0, "completed"), (3, 0, 3, 0, "completed")]


def test_same_url_different_text_is_a_duplicate(db_path, tmp_path):
    p = tmp_path / "n.jsonl"
    p.write_text('{"title": "Acme raises $1M", "link": "https://x.example.com/a?utm_campaign=z"}\n'
                 '{"title": "Acme raises $1 million", "link": "https://www.x.example.com/a"}\n')
    [s] = ingest(db_path, [str(p)], NOX)
    assert (s["loaded"], s["duplicates"]) == (1, 1)


@pytest.mark.parametrize("content", [
    '[{"title": "One"}, {"title": "Two"}]',
    '[{"title": "One"}] [{"title": "Two"}]',
    '{"articles": [{"title": "One"}, {"title": "Two"}]}',
    '{"title": "One"}\n{"title": "Two"}',
])
def test_json_shapes(db_path, tmp_path, content):
    p = tmp_path / "n.json"
    p.write_text(content)
    [s] = ingest(db_path, [str(p)], NOX)
    assert (s["read"], s["loaded"]) == (2, 2)
    assert rows(db_path, "SELECT title FROM articles ORDER BY position") == [("One",), ("Two",)]


def test_json_bad_records_are_rejected(db_path, tmp_path):
    p = tmp_path / "n.json"
    p.write_text('[{"title": "One"}, 5, {"body": "no title"}] {"broken": ')
    [s] = ingest(db_path, [str(p)], NOX)
    assert (s["read"], s["loaded"], s["rejected"]) == (4, 1, 3)
    reasons = [r[0] for r in rows(db_path, "SELECT reason FROM rejects ORDER BY position")]
    assert reasons[:2] == ["malformed record: not a JSON object", "no title"]
    assert reasons[2].startswith("invalid JSON at char")


def test_jsonl_bad_line_keeps_line_number(db_path, tmp_path):
    p = tmp_path / "n.jsonl"
    p.write_text('{"title": "One"}\n{oops}\n\n{"title": "Three", "published": "2023-05-06"}\n')
    [s] = ingest(db_path, [str(p)], NOX)
    assert (s["read"], s["loaded"], s["rejected"]) == (3, 2, 1)
    assert rows(db_path, "SELECT position, reason, raw FROM rejects") == [(2, "invalid JSON: Expecting property name "
                                                                           "enclosed in double quotes", "{oops}\n")]


def test_parquet(db_path, tmp_path):
    p = tmp_path / "n.parquet"
    pd.DataFrame({"title": ["P1", "P2"], "content": ["b1", "b2"], "date": ["2022-01-01", "2022-01-02"]}).to_parquet(p)
    [s] = ingest(db_path, [str(p)], NOX)
    assert s["loaded"] == 2
    assert rows(db_path, "SELECT body FROM articles ORDER BY position") == [("b1",), ("b2",)]


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Test Feed</title>
<item><title>Acme raises $10M</title><link>https://f.example.com/1</link>
<description>&lt;p&gt;Led by Foo.&lt;/p&gt;</description><pubDate>Tue, 05 Mar 2024 14:00:00 +0100</pubDate></item>
<item><title>Beta acquired</title><link>https://f.example.com/2</link></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Test</title>
<entry><title>Gamma lands seed</title><link href="https://g.example.com/1"/><id>urn:1</id>
<updated>2023-11-02T08:00:00Z</updated><summary>Small round.</summary></entry></feed>"""


def test_rss_and_atom_files(db_path, tmp_path):
    (tmp_path / "f.rss").write_text(RSS)
    (tmp_path / "a.atom").write_text(ATOM)
    out = ingest(db_path, [str(tmp_path / "f.rss"), str(tmp_path / "a.atom")], NOX)
    assert [s["loaded"] for s in out] == [2, 1]
    got = rows(db_path, "SELECT title, body, outlet, published_at, date_flag FROM articles ORDER BY article_id")
    assert got == [("Acme raises $10M", "Led by Foo.", "Test Feed", datetime(2024, 3, 5, 13, 0), None),
                   ("Beta acquired", "", "Test Feed", None, "missing"),
                   ("Gamma lands seed", "Small round.", "Atom Test", datetime(2023, 11, 2, 8, 0), None)]


def test_html_folder(db_path, tmp_path):
    d = tmp_path / "pages"
    d.mkdir()
    para = "Acme Robotics, a maker of warehouse robots, raised $20 million in a Series A round. " * 8
    (d / "a.html").write_text(
        "<html><head><title>Acme Robotics raises $20M</title>"
        '<meta property="article:published_time" content="2024-02-03T10:00:00Z"></head>'
        f"<body><nav>menu</nav><article><h1>Acme Robotics raises $20M</h1><p>{para}</p><p>{para}</p></article>"
        "<footer>(c) site</footer></body></html>")
    [s] = ingest(db_path, [str(d)], NOX)
    assert s["loaded"] == 1
    title, body, published = rows(db_path, "SELECT title, body, published_at FROM articles")[0]
    assert title == "Acme Robotics raises $20M"
    assert body.startswith("Acme Robotics, a maker of warehouse robots")
    assert "menu" not in body
    assert published == datetime(2024, 2, 3)


def test_since_rejects_older_articles(db_path, tmp_path):
    p = tmp_path / "n.csv"
    pd.DataFrame({"title": ["old", "new"], "date": ["2020-01-01", "2024-01-01"]}).to_csv(p, index=False)
    opts = IngestOptions(extract=False, progress=False, since=datetime(2023, 1, 1))
    [s] = ingest(db_path, [str(p)], opts)
    assert (s["loaded"], s["rejected"]) == (1, 1)
    assert rows(db_path, "SELECT reason FROM rejects") == [("published before --since 2023-01-01",)]


def test_oversize_and_bad_mapping(db_path, tmp_path):
    p = tmp_path / "n.csv"
    pd.DataFrame({"title": ["x" * 1001, "ok"]}).to_csv(p, index=False)
    [s] = ingest(db_path, [str(p)], NOX)
    assert rows(db_path, "SELECT reason FROM rejects") == [("oversize: title of 1001 characters (max 1000)",)]
    assert s["loaded"] == 1
    with pytest.raises(InputError, match="no column 'Nope'"):
        ingest(db_path, [str(p)], IngestOptions(extract=False, progress=False, mapping={"title": "Nope"}))


def test_missing_source_and_unknown_format(db_path, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        ingest(db_path, [str(tmp_path / "missing.csv")], NOX)
    (tmp_path / "x.bin").write_text("?")
    with pytest.raises(InputError, match="cannot tell its format"):
        ingest(db_path, [str(tmp_path / "x.bin")], NOX)


def test_rejected_raw_record_is_kept(db_path, tmp_path):
    p = tmp_path / "n.jsonl"
    rec = {"body": "no title", "url": "https://x.example.com/z"}
    p.write_text(json.dumps(rec) + "\n")
    ingest(db_path, [str(p)], NOX)
    assert json.loads(rows(db_path, "SELECT raw FROM rejects")[0][0]) == rec
