"""Ingest under stress: a killed loader, malformed input of every format, the bulk path against the row path,
and feed URLs that answer 304, fail, then answer, or never answer."""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import etl.fetch
import etl.ingest
from dealradar.contracts import run_contracts
from dealradar.errors import InputError
from dealradar.warehouse import open_warehouse
from etl.ingest import IngestOptions, ingest

REPO = Path(__file__).resolve().parents[1]
NOX = IngestOptions(extract=False, progress=False, batch_size=7)
PROPS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


def rows(db, sql, params=()):
    with open_warehouse(db) as con:
        return con.execute(sql, list(params)).fetchall()


def failed_contracts(db) -> dict[str, int]:
    with open_warehouse(db) as con:
        return {c.name: c.failures for c in run_contracts(con) if not c.ok}


@pytest.fixture(scope="module")
def empty_warehouse(tmp_path_factory) -> Path:
    """A migrated, empty warehouse to copy for each example (creating one takes longer than copying)."""
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    with open_warehouse(path):
        pass
    return path


@contextmanager
def fresh_warehouse(template: Path):
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "w.duckdb"
        shutil.copy(template, db)
        yield db, Path(d)


def assert_balanced(db, summaries) -> None:
    """Every record read ended loaded, duplicate or rejected, and the tables agree with the counts."""
    with open_warehouse(db) as con:
        for s in summaries:
            assert s["read"] == s["loaded"] + s["duplicates"] + s["rejected"], s
            assert s["status"] == "completed"
            counts = con.execute("SELECT (SELECT count(*) FROM articles WHERE run_id = $1), "
                                 "(SELECT count(*) FROM rejects WHERE run_id = $1)", [s["run_id"]]).fetchall()
            assert counts == [(s["loaded"], s["rejected"])]
            assert len(s["article_ids"]) == s["loaded"]
        assert {c.name: c.failures for c in run_contracts(con) if not c.ok} == {}


# --- (a) a loader killed mid-load ---------------------------------------------------------------------

def write_news_csv(path: Path, n: int) -> int:
    """n synthetic funding rows, a few repeated and a few without a title; returns the distinct loadable rows."""
    distinct = set()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "body", "published_at", "url", "outlet"])
        for i in range(n):
            k = i - 1 if i % 97 == 0 and i else i  # every 97th row repeats the one before
            title = "" if i % 211 == 5 else f"Startup {k} raises ${k % 90 + 1}M Series A led by Fund {k % 7}"
            w.writerow([title, f"Startup {k} builds AI tools, it said on Monday.", f"2024-0{k % 9 + 1}-1{k % 9}",
                        f"https://news.example.com/2024/{k}/startup-{k}", "Example News"])
            if title:
                distinct.add(k)
    return len(distinct)


def write_news_jsonl(path: Path, n: int) -> int:
    distinct = set()
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            k = i - 1 if i % 97 == 0 and i else i
            rec = {"title": f"Startup {k} raises ${k % 90 + 1}M" if i % 211 != 5 else "",
                   "url": f"https://news.example.com/{k}", "published": "2024-03-05"}
            fh.write(json.dumps(rec) + "\n")
            if rec["title"]:
                distinct.add(k)
    return len(distinct)


CHILD = """
import sys, time
import etl.ingest as ingest_module
from etl.ingest import IngestOptions, ingest
ingest_module.WINDOW_ROWS = 2000  # the bulk path closes the warehouse between windows

def on_batch(info):
    print("batch", info["read"], flush=True)
    time.sleep(0.02)

ingest(sys.argv[1], [sys.argv[2]], IngestOptions(extract=False, progress=False, batch_size=250), on_batch=on_batch)
print("done", flush=True)
"""


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_sigkill_mid_load_then_rerun(tmp_path, fmt):
    db = tmp_path / "w.duckdb"
    src = tmp_path / f"news.{fmt}"
    distinct = (write_news_csv if fmt == "csv" else write_news_jsonl)(src, 20_000)
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(src)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO, env=env)
    batches = 0
    try:
        for line in proc.stdout:
            batches += line.startswith("batch")
            if batches == 12:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()

    # the warehouse opens; the committed batches balance; only the run's status tells it was cut short
    assert failed_contracts(db) == {}
    [(run_id, status, n_read, n_loaded, n_dup, n_rej, message)] = rows(
        db, "SELECT run_id, status, n_read, n_loaded, n_duplicates, n_rejected, message FROM ingest_runs")
    assert status == "running" and message.startswith("running: pid ")
    assert 12 * 250 <= n_read < 20_000
    assert n_read == n_loaded + n_dup + n_rej
    assert rows(db, "SELECT count(*) FROM articles") == [(n_loaded,)]
    assert rows(db, "SELECT count(*) FROM rejects") == [(n_rej,)]

    [again] = ingest(db, [str(src)], IngestOptions(extract=False, progress=False, batch_size=250))
    assert again["status"] == "completed" and again["read"] == 20_000
    [(status, message)] = rows(db, "SELECT status, message FROM ingest_runs WHERE run_id = ?", [run_id])
    assert status == "failed" and message.startswith(f"interrupted: process {proc.pid} ended")
    assert rows(db, "SELECT count(*), count(DISTINCT content_hash), count(DISTINCT canonical_url) FROM articles") \
        == [(distinct, distinct, distinct)]
    assert again["loaded"] == distinct - n_loaded
    assert failed_contracts(db) == {}


def test_running_run_of_a_live_process_is_left_alone(db_path, tmp_path):
    p = tmp_path / "n.csv"
    p.write_text("title\nA raises $1M\n")
    from etl.load import start_run

    with open_warehouse(db_path) as con:
        live = start_run(con, "elsewhere", "csv")  # this very process: alive
        con.execute("INSERT INTO ingest_runs (run_id, source, format, started_at, status, message) "
                    "VALUES (999, 'old', 'csv', now(), 'running', NULL)")  # no owner recorded
    ingest(db_path, [str(p)], NOX)
    assert rows(db_path, "SELECT run_id, status FROM ingest_runs WHERE run_id IN (?, 999) ORDER BY run_id",
                [live]) == [(live, "running"), (999, "running")]


# --- (b) malformed input never escapes as anything but InputError ----------------------------------------

def ingest_bytes(template: Path, data: bytes, suffix: str, **opts) -> None:
    with fresh_warehouse(template) as (db, d):
        src = d / f"input{suffix}"
        src.write_bytes(data)
        try:
            summaries = ingest(db, [str(src)], IngestOptions(**{"extract": False, "progress": False,
                                                                "batch_size": 3, **opts}))
        except InputError:
            with open_warehouse(db) as con:
                assert con.execute("SELECT status FROM ingest_runs").fetchall() in ([], [("failed",)])
            return
        assert_balanced(db, summaries)


CSV_CHARS = st.sampled_from(list('abc ,;"\n\r\t<>&#;é€Σİ\u00a0\ufffd0123-:/.?=') + ["\x00", "&amp;", "2024-03-05",
                                                                                    "https://x.example.com/a?b=1"])
csv_text = st.lists(CSV_CHARS, max_size=300).map("".join)
HEADERS = st.sampled_from(["title,body,url,published\n", "headline;summary;link\n", "title\n", "", "a,b\n",
                           "title,title,url\n", '"title","body"\n'])


@PROPS
@given(header=HEADERS, body=csv_text, encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_malformed_csv(empty_warehouse, header, body, encoding):
    ingest_bytes(empty_warehouse, (header + body).encode(encoding, errors="replace"), ".csv")


@PROPS
@given(data=st.binary(max_size=400))
def test_random_bytes_as_csv(empty_warehouse, data):
    ingest_bytes(empty_warehouse, data, ".csv")


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True),
                         st.text(max_size=30), st.sampled_from(["2024-03-05", "https://x.example.com/a",
                                                                "\ud800", "Acme raises $5M", ""]))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(["title", "body", "url", "link", "published", "date", "id", "author", "articles", "x"]),
    inner, max_size=6), max_leaves=20)


def corrupt(text: str, cut: int | None, junk: str) -> bytes:
    if cut is not None and text:
        text = text[:cut % (len(text) + 1)]
    return (text + junk).encode("utf-8", errors="surrogatepass")


@PROPS
@given(value=json_values, cut=st.none() | st.integers(0, 500), junk=st.sampled_from(["", "}", "]]", "{\"a\":", "\x00"]))
def test_malformed_json(empty_warehouse, value, cut, junk):
    ingest_bytes(empty_warehouse, corrupt(json.dumps(value), cut, junk), ".json")


@PROPS
@given(lines=st.lists(st.one_of(json_values.map(json.dumps), st.text(max_size=40)), max_size=12))
def test_malformed_jsonl(empty_warehouse, lines):
    ingest_bytes(empty_warehouse, "\n".join(lines).encode("utf-8", errors="surrogatepass"), ".jsonl")


feed_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def feeds(draw) -> bytes:
    items = draw(st.lists(st.tuples(feed_text, feed_text, st.sampled_from(["", "Tue, 05 Mar 2024 14:00:00 +0100",
                                                                           "2024-03-05", "garbage"]), feed_text),
                          max_size=5))
    atom = draw(st.booleans())
    esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;")  # noqa: E731
    if atom:
        body = "".join(f"<entry><title>{esc(t)}</title><link href=\"{esc(u)}\"/><updated>{d}</updated>"
                       f"<summary>{esc(b)}</summary></entry>" for t, u, d, b in items)
        doc = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>{body}</feed>'
    else:
        body = "".join(f"<item><title>{esc(t)}</title><link>{esc(u)}</link><pubDate>{d}</pubDate>"
                       f"<description>{esc(b)}</description></item>" for t, u, d, b in items)
        doc = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{body}</channel></rss>'
    cut = draw(st.none() | st.integers(0, len(doc)))
    return doc[:cut].encode() if cut is not None else doc.encode()


@PROPS
@given(data=feeds() | st.binary(max_size=300))
def test_malformed_feeds(empty_warehouse, data):
    ingest_bytes(empty_warehouse, data, ".rss")


# --- the bulk path gives exactly the row-by-row path's rows ---------------------------------------------

FIELD = st.sampled_from([
    "", "Acme raises $5M", "AT&T buys X &amp; Y", "Café €5m “deal”", "ΣIGMA lands £3m", "İstanbul",
    "  padded ", "tab\there", "nbsp\u00a0x", "<b>Bold</b> raises", "a  b", "R&D &copy;", "line\nbreak",
    'say "hi"', "x" * 1001, "2024-03-05", "2024-03-05T10:11:12Z", "2024-03-05 10:11", "2024-02-30",
    "Tue, 05 Mar 2024 14:00:00 +0100", "none", "1950-01-01", "https://www.X.com:443/a/?utm_source=x&b=2#f",
    "https://x.example.com/2024/03/05/a", "http://x.example.com/a?a&=b&c=", "https://x.example.com/p?not=1",
    "ftp://x.example.com/a", "https://x.example.com/2024/13/05/a", "Dup", "123",
])


@st.composite
def csv_files(draw) -> bytes:
    n = draw(st.integers(0, 30))
    records = [[draw(FIELD) for _ in range(4)] for _ in range(n)]
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(
        [["title", "body", "published", "url"], *records])
    text = out.getvalue()
    if draw(st.booleans()) and records:  # a malformed record somewhere
        lines = text.split("\n")
        lines.insert(draw(st.integers(1, len(lines) - 1)), draw(st.sampled_from(["a,b,c,d,e", "solo", "", "  "])))
        text = "\n".join(lines)
    return text.encode()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_files(), batch=st.integers(2, 9), window=st.integers(1, 3))
def test_bulk_path_matches_row_path(empty_warehouse, monkeypatch, data, batch, window):
    monkeypatch.setattr(etl.ingest, "WINDOW_ROWS", batch * window)
    monkeypatch.setattr(etl.ingest, "READ_ROWS", 5)
    tables = []
    for fast in (True, False):
        monkeypatch.setattr(etl.ingest, "FAST_PATH", fast)
        with fresh_warehouse(empty_warehouse) as (db, d):
            src = d / "n.csv"
            src.write_bytes(data)
            ingest(db, [str(src)], IngestOptions(extract=False, progress=False, batch_size=batch))
            ingest(db, [str(src)], IngestOptions(extract=False, progress=False, batch_size=batch))  # all duplicates
            tables.append([
                rows(db, "SELECT article_id, run_id, position, external_id, outlet, author, url, canonical_url, title, "
                         "body, published_at, date_flag, content_hash FROM articles ORDER BY article_id"),
                rows(db, "SELECT reject_id, run_id, position, reason, raw FROM rejects ORDER BY reject_id"),
                rows(db, "SELECT run_id, n_read, n_loaded, n_duplicates, n_rejected, status FROM ingest_runs"),
            ])
    assert tables[0] == tables[1]


def test_bulk_path_matches_row_path_with_deal_facts(tmp_path, monkeypatch):
    src = REPO / "data" / "corpus" / "corpus.csv"
    if not src.exists():
        pytest.skip("no bundled corpus")
    sample = tmp_path / "sample.csv"
    with open(src, newline="", encoding="utf-8") as fh:
        recs = list(csv.reader(fh))[:301]
    with open(sample, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(recs)
    monkeypatch.setattr(etl.ingest, "WINDOW_ROWS", 120)
    out = []
    for fast in (True, False):
        monkeypatch.setattr(etl.ingest, "FAST_PATH", fast)
        db = tmp_path / f"{fast}.duckdb"
        ingest(db, [str(sample)], IngestOptions(progress=False, link=False, batch_size=40))
        out.append((rows(db, "SELECT * EXCLUDE (ingested_at) FROM articles ORDER BY article_id"),
                    rows(db, "SELECT * EXCLUDE (extracted_at) FROM deal_facts ORDER BY article_id")))
    assert out[0] == out[1]
    assert len(out[0][1]) == 300


# --- (c) feed URLs: conditional requests, retries with backoff, clear errors ---------------------------

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Feed</title>
<item><title>Acme raises $10M</title><link>https://f.example.com/1</link></item>
<item><title>Beta acquired by Gamma</title><link>https://f.example.com/2</link></item>
</channel></rss>"""


class FeedServer(http.server.ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), FeedHandler)
        self.requests: list[tuple[str, str | None]] = []
        self.flaky_failures = 2

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class FeedHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        srv: FeedServer = self.server
        srv.requests.append((self.path, self.headers.get("If-None-Match")))
        if self.path == "/flaky.xml" and srv.flaky_failures > 0:
            srv.flaky_failures -= 1
            self.send_error(500, "Internal Server Error")
            return
        if self.path == "/missing.xml":
            self.send_error(404, "Not Found")
            return
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(RSS)))
        self.end_headers()
        self.wfile.write(RSS)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    srv = FeedServer()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """Tiny backoff, and the waits between attempts recorded."""
    recorded: list[float] = []
    monkeypatch.setattr(etl.fetch, "DEFAULT_BACKOFF", 0.001)
    monkeypatch.setattr(etl.fetch, "DEFAULT_TIMEOUT", 5.0)
    monkeypatch.setattr(etl.fetch, "_sleep", lambda s: recorded.append(s))
    return recorded


def test_feed_etag_then_not_modified(db_path, feed_server, waits):
    url = feed_server.base + "/feed.xml"
    [first] = ingest(db_path, [url], NOX)
    [second] = ingest(db_path, [url], NOX)
    assert (first["read"], first["loaded"], first["status"]) == (2, 2, "completed")
    assert (second["read"], second["loaded"], second["status"]) == (0, 0, "completed")
    assert feed_server.requests == [("/feed.xml", None), ("/feed.xml", '"v1"')]
    assert rows(db_path, "SELECT url, etag FROM feed_state") == [(url, '"v1"')]
    assert waits == []


def test_feed_retries_with_backoff_then_loads(db_path, feed_server, waits):
    [s] = ingest(db_path, [feed_server.base + "/flaky.xml"], NOX)
    assert (s["loaded"], s["status"]) == (2, "completed")
    assert [p for p, _ in feed_server.requests] == ["/flaky.xml"] * 3
    assert waits == [0.001, 0.002]  # exponential backoff between the three attempts


def test_feed_that_never_answers_fails_clearly(db_path, waits):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed.xml"
    with pytest.raises(InputError, match=rf"^{url}: could not fetch \(.*refused.*\) after 4 attempts$"):
        ingest(db_path, [url], NOX)
    assert waits == [0.001, 0.002, 0.004]
    [(status, message)] = rows(db_path, "SELECT status, message FROM ingest_runs")
    assert status == "failed" and "could not fetch" in message


def test_feed_client_error_is_not_retried(db_path, feed_server, waits):
    url = feed_server.base + "/missing.xml"
    with pytest.raises(InputError, match=r"could not fetch \(HTTP 404 Not Found\) after 1 attempt$"):
        ingest(db_path, [url], NOX)
    assert waits == [] and len(feed_server.requests) == 1
