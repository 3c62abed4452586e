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


def text_encoding(path: Path) -> str:
    """The encoding a text file is read with: UTF-8 (with or without BOM) when its first megabyte is
    UTF-8, else what `decode_bytes` detects. Bytes later in the file that are not valid in it are
    read as U+FFFD."""
    with open(path, "rb") as fh:
        head = fh.read(1_000_000)
    try:
        head.decode("utf-8")
        return "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError as e:
        if e.start > len(head) - 4:  # a multibyte char cut at the sample's end
            return "utf-8"
        return decode_bytes(head, str(path))[1]


def _open_text(path: Path) -> tuple[io.TextIOBase, str]:
    enc = text_encoding(path)
    return open(path, encoding=enc, errors="replace", newline=""), enc


def csv_delimiter(path: Path, sample: str) -> str:
    """The delimiter of a CSV/TSV file: a tab for .tsv/.tab, else sniffed from the first line."""
    if str(path).lower().endswith((".tsv", ".tab")):
        return "\t"
    try:
        return csv.Sniffer().sniff(sample.split("\n", 20)[0] if sample else ",", delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_csv(path: Path, delimiter: str | None = None) -> Iterator[RawRecord]:
    """Stream a CSV/TSV file (any common encoding, Excel quoting) as records keyed by header."""
    fh, _ = _open_text(path)
    with fh:
        sample = fh.read(65536)
        fh.seek(0)
        if delimiter is None:
            delimiter = csv_delimiter(path, sample)
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


# --- Bulk reading: when DuckDB can read a file exactly as the readers above do ------------------------

@dataclass
class BulkSource:
    """A CSV/TSV or Parquet file DuckDB (or pyarrow) can read in bulk with the same records, values and
    positions as `read_csv` / `read_parquet`."""

    path: Path
    fmt: str                    # "csv" (also TSV) or "parquet"
    columns: list[str]          # the source's column names, in order
    delimiter: str = ","
    published_kind: str = "text"


def bulk_csv(path: Path, fmt: str) -> BulkSource | None:
    """A BulkSource for a UTF-8 CSV/TSV whose header is one line of two or more distinct names, else None
    (the row-by-row reader then takes it; `csv_line_count` makes the final call on the rest)."""
    enc = text_encoding(path)
    if enc not in ("utf-8", "utf-8-sig"):
        return None
    with open(path, encoding=enc, errors="replace", newline="") as fh:
        sample = fh.read(65536)
        fh.seek(0)
        delimiter = "\t" if fmt == "tsv" else csv_delimiter(path, sample)
        reader = csv.reader(fh, delimiter=delimiter, quotechar='"', doublequote=True)
        try:
            header = next(reader)
        except (StopIteration, csv.Error):
            return None
        if reader.line_num != 1:
            return None
    header = [h.strip() for h in header]
    if len(header) < 2 or len(set(header)) != len(header) or len(delimiter) != 1 or ord(delimiter) > 127:
        return None
    return BulkSource(path, "csv", header, delimiter)


def csv_record_lines(path: Path, delimiter: str, chunk: int = 1 << 20):
    """The line number `read_csv` gives each record of a CSV file (the header first), as a numpy array,
    when DuckDB reads the same records and values; None when it might not (see `iter_csv_record_lines`)."""
    import numpy as np

    parts = []
    for part in iter_csv_record_lines(path, delimiter, chunk):
        if part is None:
            return None
        parts.append(part)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def iter_csv_record_lines(path: Path, delimiter: str, chunk: int = 1 << 20):
    """Yield, chunk by chunk, the line number `read_csv` gives each record of a CSV file (the header
    first) as numpy arrays, as long as DuckDB reads the same records and values; then None if it might not.

    DuckDB and Python's csv module agree when there are no NUL bytes, no bare CRs, one kind of line
    ending, and every double quote opens a field right after a delimiter or line start, or closes one
    right before a delimiter or line end (DuckDB trims spaces around quoted fields, Python keeps them).
    A record ends at a line break outside quotes; blank lines are not records. Reads the file once in
    small chunks, with numpy (which releases the GIL).
    """
    import numpy as np

    d = ord(delimiter)
    quotes, lines, crlf_style = 0, 0, None
    last_end = -1  # offset (in the file) of the previous record's line break
    base = 0       # file offset of buf[0]
    buf = bytearray(2 * chunk)
    view = memoryview(buf)
    arr = np.frombuffer(buf, dtype=np.uint8)
    held = 0  # bytes of an unfinished line carried to the next chunk
    with open(path, "rb", buffering=0) as fh:
        while True:
            if held + chunk > len(buf):  # a line longer than the buffer: grow it
                bigger = bytearray(2 * len(buf))
                bigger[:held] = buf[:held]
                buf, view = bigger, memoryview(bigger)
                arr = np.frombuffer(buf, dtype=np.uint8)
            got = fh.readinto(view[held:held + chunk])
            end = held + got
            if got:
                cut = buf.rfind(b"\n", 0, end) + 1
                if cut == 0:
                    held = end
                    continue
            else:
                cut = end
            if cut == 0:
                break
            if buf.find(b"\x00", 0, cut) >= 0:
                yield None
                return
            a = arr[:cut]
            hits = np.flatnonzero((a == 10) | (a == 34))
            kinds = a[hits]
            nl = hits[kinds == 10]
            q = hits[kinds == 34]
            if buf.find(b"\r", 0, cut) >= 0:
                n_cr = buf.count(b"\r", 0, cut)
                ends_cr = int(np.count_nonzero(a[nl[nl > 0] - 1] == 13))
                if n_cr != ends_cr or ends_cr not in (0, len(nl)) or (len(nl) and nl[0] == 0 and base == 0):
                    yield None  # a bare CR, or CRLF mixed with LF
                    return
                style = True
            else:
                style = False if len(nl) else crlf_style
            if crlf_style is not None and style is not None and style != crlf_style:
                yield None
                return
            crlf_style = style
            inside = ((np.searchsorted(q, nl) + quotes) & 1).astype(bool) if len(q) else np.zeros(len(nl), dtype=bool)
            if len(q):
                run_start = np.flatnonzero(np.diff(q, prepend=-2) != 1)
                run_end = np.append(run_start[1:], len(q)) - 1
                length = run_end - run_start + 1
                opens = ((run_start + quotes) & 1) == 0
                s, e = q[run_start], q[run_end]
                before = np.where(s > 0, a[np.maximum(s - 1, 0)], 10)
                after = np.where(e + 1 < cut, a[np.minimum(e + 1, cut - 1)], 10)
                closes = (opens & (length % 2 == 0)) | (~opens & (length % 2 == 1))
                if (opens & (before != d) & (before != 10)).any() or \
                        (closes & (after != d) & (after != 10) & (after != 13)).any():
                    yield None
                    return
                quotes += len(q)
            numbers = lines + 1 + np.flatnonzero(~inside)
            ends = nl[~inside] + base
            if got or a[cut - 1] == 10:
                rec_ends, rec_lines = ends, numbers
            else:  # the last record, without a final line break
                rec_ends = np.append(ends, base + cut)
                rec_lines = np.append(numbers, lines + len(nl) + 1)
                if quotes & 1:
                    yield None  # an unterminated quote
                    return
            prev = np.concatenate(([last_end], rec_ends[:-1]))
            width = rec_ends - prev - 1
            if crlf_style:
                width -= 1
            yield rec_lines[width > 0]  # a blank line is no record
            if len(rec_ends):
                last_end = int(rec_ends[-1])
            lines += len(nl)
            if not got:
                break
            held = end - cut
            buf[:held] = buf[cut:end]
            base += cut
    if quotes & 1:
        yield None


def csv_duckdb_sql(src: BulkSource) -> str:
    """DuckDB's read_csv of a BulkSource: every column as text, strict, nothing guessed."""
    def q(s: str) -> str:
        return "'" + s.replace("'", "''") + "'"

    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(src.columns)))
    return (f"SELECT * FROM read_csv({q(str(src.path))}, header = true, auto_detect = false, delim = {q(src.delimiter)}, "
            f"quote = '\"', escape = '\"', columns = {{{cols}}}, strict_mode = true, null_padding = false, "
            "allow_quoted_nulls = false, ignore_errors = false)")


def bulk_parquet(path: Path, mapped: dict[str, str]) -> BulkSource | None:
    """A BulkSource for a Parquet file whose mapped columns have plain types (text, integer ids, naive
    timestamps or dates for the date), else None."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.ParquetFile(path).schema_arrow
    except Exception as e:  # pyarrow raises several types for a bad file
        raise InputError(f"{path}: not a readable Parquet file ({e})") from e
    kind = "text"
    for field, col in mapped.items():
        t = schema.field(col).type
        if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t):
            continue
        if field == "id" and pa.types.is_integer(t):
            continue
        if field == "published" and ((pa.types.is_timestamp(t) and t.tz is None) or pa.types.is_date(t)):
            kind = "timestamp"
            continue
        return None
    return BulkSource(path, "parquet", list(schema.names), published_kind=kind)
