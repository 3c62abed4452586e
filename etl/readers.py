"""Read news from CSV/TSV, JSON, JSONL, Parquet, RSS/Atom feeds and HTML pages.

Every reader yields `RawRecord`s: a position (line or record number), the record
as a dict (or None when it could not be parsed), its raw text for the rejects
table, and the parse error if any. Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dealradar.errors import InputError

log = logging.getLogger(__name__)

FORMATS = ("csv", "tsv", "json", "jsonl", "parquet", "feed", "html")
_SUFFIX = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".jsonl": "jsonl",
    ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet", ".rss": "feed", ".atom": "feed",
    ".xml": "feed", ".html": "html", ".htm": "html",
}
_NON_LATIN = {"cp1251", "koi8_r", "gb18030", "gb2312", "gbk", "big5", "shift_jis", "cp932", "euc_jp",
              "euc_kr", "cp949", "cp1253", "cp1255", "cp1256", "iso8859_7", "iso8859_8", "cp874", "utf_16"}
MAX_RAW = 20_000  # characters of a bad record kept in the rejects table
csv.field_size_limit(50_000_000)


@dataclass
class RawRecord:
    """One record read from a source, parsed or not."""

    position: int
    data: dict | None
    raw: str
    error: str | None = None


def detect_format(source: str, content_type: str | None = None) -> str:
    """Guess a source's format from its path, URL or content type."""
    low = source.lower().split("?")[0]
    if low.startswith(("http://", "https://")):
        if content_type:
            ct = content_type.lower()
            if "xml" in ct or "rss" in ct or "atom" in ct:
                return "feed"
            if "html" in ct:
                return "html"
            if "json" in ct:
                return "json"
            if "csv" in ct:
                return "csv"
        for suf, fmt in _SUFFIX.items():
            if low.endswith(suf):
                return fmt
        if any(k in low for k in ("/feed", "rss", "atom")):
            return "feed"
        return "html"
    if os.path.isdir(source):
        return "html"
    for suf, fmt in _SUFFIX.items():
        if low.endswith(suf):
            return fmt
    raise InputError(f"{source}: cannot tell its format from the name; pass --format ({', '.join(FORMATS)})")


def decode_bytes(data: bytes, source: str = "") -> tuple[str, str]:
    """Decode bytes to text: UTF-8 (with or without BOM) first, else the detected encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Western news exports are overwhelmingly Windows-1252; take another legacy encoding only when the
    # detector is confident it is a non-Latin one (Cyrillic, CJK, ...), which cp1252 would garble.
    best = from_bytes(data[:2_000_000]).best()
    enc = "cp1252"
    if best is not None and best.encoding in _NON_LATIN and best.chaos < 0.2:
        enc = best.encoding
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        text = data.decode("latin-1")
        enc = "latin-1"
    log.info("%s: decoded as %s", source, enc)
    return text, enc


def _open_text(path: Path) -> tuple[io.TextIOBase, str]:
    with open(path, "rb") as fh:
        head = fh.read(1_000_000)
    try:
        head.decode("utf-8")
        enc = "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError as e:
        if e.start > len(head) - 4:  # a multibyte char cut at the sample's end
            enc = "utf-8"
        else:
            _, enc = decode_bytes(head, str(path))
    return open(path, encoding=enc, errors="replace", newline=""), enc


def read_csv(path: Path, delimiter: str | None = None) -> Iterator[RawRecord]:
    """Stream a CSV/TSV file (any common encoding, Excel quoting) as records keyed by header."""
    fh, _ = _open_text(path)
    with fh:
        sample = fh.read(65536)
        fh.seek(0)
        if delimiter is None:
            if str(path).lower().endswith((".tsv", ".tab")):
                delimiter = "\t"
            else:
                try:
                    delimiter = csv.Sniffer().sniff(sample.split("\n", 20)[0] if sample else ",",
                                                    delimiters=",;\t|").delimiter
                except csv.Error:
                    delimiter = ","
        reader = csv.reader(fh, delimiter=delimiter, quotechar='"', doublequote=True)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise InputError(f"{path}: unreadable CSV header ({e})") from e
        header = [h.strip() for h in header]
        n = len(header)
        position = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                position += 1
                yield RawRecord(position, None, "", f"malformed CSV: {e}")
                continue
            position = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            raw = delimiter.join(row)[:MAX_RAW]
            if len(row) != n:
                yield RawRecord(position, None, raw,
                                f"malformed record: {len(row)} fields, header has {n}")
                continue
            yield RawRecord(position, dict(zip(header, row, strict=True)), raw)


def _json_records(obj: object) -> list | None:
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict):
        for key in ("articles", "items", "data", "entries", "results", "records", "news", "rows"):
            if isinstance(obj.get(key), list):
                return obj[key]
        lists = [v for v in obj.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if len(lists) == 1:
            return lists[0]
        return [obj]
    return None


def read_json(path: Path) -> Iterator[RawRecord]:
    """Read a JSON array, several concatenated arrays/objects, or an object holding a list."""
    text, _ = decode_bytes(path.read_bytes(), str(path))
    dec = json.JSONDecoder()
    i, n, position = 0, len(text), 0
    while i < n:
        while i < n and text[i] in " \t\r\n,":
            i += 1
        if i >= n:
            break
        try:
            obj, end = dec.raw_decode(text, i)
        except json.JSONDecodeError as e:
            position += 1
            yield RawRecord(position, None, text[i:i + 2000], f"invalid JSON at char {e.pos}: {e.msg}")
            return
        i = end
        records = _json_records(obj)
        if records is None:
            position += 1
            yield RawRecord(position, None, json.dumps(obj)[:MAX_RAW], "JSON value is not a record")
            continue
        for rec in records:
            position += 1
            if isinstance(rec, dict):
                yield RawRecord(position, rec, "")
            else:
                yield RawRecord(position, None, json.dumps(rec, ensure_ascii=False)[:MAX_RAW],
                                "malformed record: not a JSON object")


def read_jsonl(path: Path) -> Iterator[RawRecord]:
    """Read JSON Lines; a bad line is a reject with its line number."""
    fh, _ = _open_text(path)
    with fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                yield RawRecord(lineno, None, line[:MAX_RAW], f"invalid JSON: {e.msg}")
                continue
            if not isinstance(obj, dict):
                yield RawRecord(lineno, None, line[:MAX_RAW], "malformed record: not a JSON object")
                continue
            yield RawRecord(lineno, obj, "")


def read_parquet(path: Path, batch_size: int = 50_000) -> Iterator[RawRecord]:
    """Stream a Parquet file in record batches."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as e:  # pyarrow raises several types for a bad file
        raise InputError(f"{path}: not a readable Parquet file ({e})") from e
    position = 0
    for batch in pf.iter_batches(batch_size=batch_size):
        for rec in batch.to_pylist():
            position += 1
            yield RawRecord(position, rec, "")


def read_feed(content: bytes, source: str) -> Iterator[RawRecord]:
    """Parse an RSS 2.0 / Atom document with feedparser."""
    import feedparser

    parsed = feedparser.parse(content)
    if parsed.bozo and not parsed.entries:
        raise InputError(f"{source}: not a readable RSS/Atom feed ({parsed.get('bozo_exception')})")
    feed_title = parsed.feed.get("title")
    for i, e in enumerate(parsed.entries, 1):
        body = ""
        if e.get("content"):
            body = " ".join(c.get("value", "") for c in e.content)
        body = body or e.get("summary", "") or e.get("description", "")
        rec = {
            "title": e.get("title"),
            "body": body,
            "published": e.get("published") or e.get("updated") or e.get("created"),
            "url": e.get("link"),
            "author": e.get("author"),
            "outlet": feed_title,
            "id": e.get("id"),
        }
        yield RawRecord(i, rec, "")


def read_html(content: bytes, source: str, url: str | None = None) -> RawRecord:
    """Extract the main text, title and publish date of one HTML page with trafilatura."""
    import trafilatura

    text, _ = decode_bytes(content, source)
    try:
        doc = trafilatura.bare_extraction(text, url=url, with_metadata=True, include_comments=False)
    except Exception as e:  # trafilatura surfaces lxml errors of many kinds
        return RawRecord(1, None, text[:MAX_RAW], f"unreadable HTML: {e}")
    if doc is None:
        return RawRecord(1, None, text[:MAX_RAW], "no article text found in HTML")
    d = doc if isinstance(doc, dict) else doc.as_dict()
    title = (d.get("title") or "").strip()
    body = d.get("text") or d.get("raw_text") or ""
    if title and body.startswith(title):  # the page's own headline repeated as the first line
        body = body[len(title):].lstrip()
    rec = {
        "title": title,
        "body": body,
        "published": d.get("date"),
        "url": url or d.get("url"),
        "author": d.get("author"),
        "outlet": d.get("sitename") or d.get("hostname"),
    }
    return RawRecord(1, rec, "")


def read_html_folder(folder: Path) -> Iterator[RawRecord]:
    """Every .html/.htm file under a folder, one record each (position = file order)."""
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".html", ".htm"))
    for i, p in enumerate(files, 1):
        rec = read_html(p.read_bytes(), str(p))
        rec.position = i
        if rec.data is not None:
            rec.data.setdefault("source_file", p.name)
        yield rec
