"""Normalise raw article fields: text cleaning, UTC timestamps, canonical URLs, content hashes."""

from __future__ import annotations

import email.utils
import functools
import hashlib
import html
import html.entities
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dateutil import parser as dateparser

_TAG = re.compile(r"<[^>]{0,2000}>")
_URL_DATE = re.compile(r"/(20\d\d|19\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
_URL_YM = re.compile(r"/(20\d\d)/(\d{2})/")
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ref|ref_src|igshid|yclid|_hsenc|_hsmi|"
    r"mkt_tok|cmpid|ncid|sr_share|guccounter|guce_referrer\w*|__twitter_impression|s_kwcid)$",
    re.IGNORECASE,
)
NO_DATE_TOKENS = {"", "no date", "none", "null", "nan", "n/a", "na", "-", "unknown", "undated"}


def utf8_safe(s: str) -> str:
    """`s` with lone surrogates (from JSON escapes like "\\ud800") replaced by U+FFFD, so it can be stored."""
    if s.isascii():
        return s
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clean_text(value: object) -> str:
    """Strip HTML tags, decode entities and collapse whitespace."""
    if value is None:
        return ""
    s = str(value)
    if "<" in s:
        s = _TAG.sub(" ", s)
    if "&" in s:
        s = html.unescape(s)
    return utf8_safe(" ".join(s.split()))  # str.split() splits on exactly the characters `\s` matches


def canonical_url(url: object) -> str | None:
    """Lower-case scheme and host, drop fragments, tracking parameters and trailing slashes."""
    if not url:
        return None
    s = str(url).strip()
    if not s:
        return None
    try:
        parts = urlsplit(s)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    if host.endswith(":80") or host.endswith(":443"):
        host = host.rsplit(":", 1)[0]
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not TRACKING_PARAMS.match(k)))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower(),
                       host, path, query, ""))


def content_hash(title: str, body: str) -> str:
    """A stable hash of an article's normalised title and body."""
    key = " ".join(title.split()).lower() + "\n" + " ".join(body.split()).lower()
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ParsedDate:
    """A UTC timestamp (naive, in UTC) and how it was obtained."""

    value: datetime | None
    flag: str | None  # None (parsed) | from_url | missing | unparsed


def _to_utc_naive(dt: datetime) -> datetime:
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt


def parse_timestamp(value: object, url: str | None = None, dayfirst: bool = False) -> ParsedDate:
    """Parse a timestamp in any common format to UTC; fall back to a date in the URL path."""
    dt: datetime | None = None
    flag: str | None = None
    if isinstance(value, datetime):
        dt = _to_utc_naive(value)
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        v = float(value)
        if v > 1e11:  # milliseconds
            v /= 1000.0
        if 0 < v < 4e9:
            dt = datetime.fromtimestamp(v, tz=timezone.utc).replace(tzinfo=None)
    elif value is not None:
        s = str(value).strip()
        if s.lower() not in NO_DATE_TOKENS:
            dt = _parse_string(s, dayfirst)
            if dt is None:
                flag = "unparsed"
    if dt is None and url:
        m = _URL_DATE.search(str(url))
        if m:
            try:
                dt = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                flag = "from_url"
            except ValueError:
                dt = None
    if dt is None:
        return ParsedDate(None, flag or "missing")
    if not (1990 <= dt.year <= 2100):
        return ParsedDate(None, "unparsed")
    return ParsedDate(dt, flag if flag == "from_url" else None)


def _parse_string(s: str, dayfirst: bool) -> datetime | None:
    try:
        return _to_utc_naive(datetime.fromisoformat(s.replace("Z", "+00:00")))
    except ValueError:
        pass
    if "," in s or s[:3].isalpha():
        try:
            return _to_utc_naive(email.utils.parsedate_to_datetime(s))
        except (TypeError, ValueError, IndexError):
            pass
    try:
        return _to_utc_naive(dateparser.parse(s, dayfirst=dayfirst, fuzzy=False))
    except (ValueError, OverflowError, TypeError):
        return None


# --- The same normalisation in bulk, for the bulk (DuckDB) path ----------------------------------------
#
# The bulk loader normalises most rows in DuckDB and the rest with the Python functions above. A row takes
# the SQL route only when SQL provably gives the same result as Python: its text needs no tag stripping, no
# entity decoding and no whitespace folding, and its lower case is the same in Python and DuckDB (checked
# on the raw bytes with numpy by `plain_text_mask`), its URL has a plain shape whose canonical form is
# string surgery, and its date is a plain ISO date or datetime (both checked in SQL). Every other row is
# "hard" and goes through `etl.records.to_article`, so both routes give the same rows.

NO_DATE_SQL = ", ".join("'" + t.replace("'", "''") + "'" for t in sorted(NO_DATE_TOKENS))
_LEGACY_ENTITIES = sorted((k for k in html.entities.html5 if not k.endswith(";")), key=lambda k: (-len(k), k))
# `&` starts something html.unescape rewrites only before `#`, a name and `;`, or a legacy name (`&amp`, `&lt`..).
_ENTITY = re.compile(r"&(?:#|[A-Za-z0-9]+;|" + "|".join(_LEGACY_ENTITIES) + ")")
_URL_PLAIN = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?"
    r"(?:/[A-Za-z0-9._~!$'()*+,;=:@%/-]*)?"
    r"(?:\?[A-Za-z0-9_.~-]*(?:=[A-Za-z0-9_.~-]*)?(?:&[A-Za-z0-9_.~-]*(?:=[A-Za-z0-9_.~-]*)?)*)?"
    r"(?:#[!-%'-~]*)?$"
)


@functools.lru_cache(maxsize=1)
def unicode_tables() -> tuple[frozenset[int], frozenset[int]]:
    """(whitespace other than the space, characters whose lower case differs between Python and DuckDB).

    Computed once a process from the running Python's and DuckDB's Unicode tables, so an upgrade of
    either cannot make the SQL route disagree with the Python one.
    """
    import duckdb
    import numpy as np

    cps = np.arange(1, 0x110000, dtype=np.uint32)
    cps = cps[(cps < 0xD800) | (cps > 0xDFFF)]
    big = cps.tobytes().decode("utf-32-le")
    spaces = frozenset(ord(m) for m in set(re.findall(r"\s", big)) if m != " ")
    unsafe = {0x130, 0x3A3}  # İ lower-cases to two characters; Σ to ς or σ by context, in Python only
    probe = big.replace("\u0130", "I")
    py = probe.lower()
    con = duckdb.connect()
    try:
        duck = con.execute("SELECT lower(?)", [probe]).fetchall()[0][0]
    finally:
        con.close()
    if len(py) != len(probe) or len(duck) != len(probe):  # not one to one: take no chances
        unsafe.update(int(c) for c in cps if c > 0x7F)
    else:
        a = np.frombuffer(py.encode("utf-32-le"), dtype=np.uint32)
        b = np.frombuffer(duck.encode("utf-32-le"), dtype=np.uint32)
        src = np.frombuffer(probe.encode("utf-32-le"), dtype=np.uint32)
        unsafe.update(int(c) for c in src[a != b])
    return spaces, frozenset(unsafe)


def plain_text_mask(values, *, lowered: bool = False, title: bool = False):
    """numpy bool per value of an Arrow string array: True where `clean_text` would change it (tags,
    entities, whitespace other than single inner spaces, NUL), or, with `lowered`, where Python and DuckDB
    lower-case it differently, or, with `title`, where it holds U+FFFD. Nulls are plain. Works on the raw
    UTF-8 bytes; bytes that only might matter (`&`, non-ASCII) are looked at closely."""
    import numpy as np
    import pyarrow as pa

    spaces, unsafe = unicode_tables()
    bad_cps = set(c for c in spaces if c > 0x7F)
    if lowered:
        bad_cps |= unsafe
    if title:
        bad_cps.add(0xFFFD)
    bad_cps_arr = np.array(sorted(bad_cps), dtype=np.int64)
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    out = []
    for chunk in chunks:
        n = len(chunk)
        flag = np.zeros(n, dtype=bool)
        if n == 0:
            out.append(flag)
            continue
        if pa.types.is_null(chunk.type):
            out.append(flag)
            continue
        large = pa.types.is_large_string(chunk.type)
        bufs = chunk.buffers()
        offsets = np.frombuffer(bufs[1], dtype=np.int64 if large else np.int32)[chunk.offset:chunk.offset + n + 1]
        offsets = offsets.astype(np.int64)
        lo, hi = int(offsets[0]), int(offsets[-1])
        if hi == lo or bufs[2] is None:
            out.append(flag)
            continue
        a = np.frombuffer(bufs[2], dtype=np.uint8)[lo:hi]
        rel = offsets - lo

        def rows(pos, rel=rel):
            return np.searchsorted(rel, pos, side="right") - 1

        nonempty = rel[1:] > rel[:-1]
        starts, ends = rel[:-1][nonempty], rel[1:][nonempty] - 1
        edge = np.flatnonzero(nonempty)
        flag[edge[(a[starts] == 32) | (a[ends] == 32)]] = True
        special = np.flatnonzero((a < 32) | (a == 60) | (a >= 0xC0))
        if len(special):
            kind = a[special]
            flag[rows(special[kind < 0xC0])] = True
            lead = special[kind >= 0xC0]
            if len(lead) and len(bad_cps_arr):
                b0 = a[lead].astype(np.int64)
                b1 = a[np.minimum(lead + 1, len(a) - 1)].astype(np.int64) & 0x3F
                b2 = a[np.minimum(lead + 2, len(a) - 1)].astype(np.int64) & 0x3F
                b3 = a[np.minimum(lead + 3, len(a) - 1)].astype(np.int64) & 0x3F
                cp = np.where(b0 < 0xE0, ((b0 & 0x1F) << 6) | b1,
                              np.where(b0 < 0xF0, ((b0 & 0x0F) << 12) | (b1 << 6) | b2,
                                       ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3))
                flag[rows(lead[np.isin(cp, bad_cps_arr)])] = True
        double = np.flatnonzero((a[:-1] == 32) & (a[1:] == 32))
        if len(double):
            flag[rows(double)] = True
        amp = np.flatnonzero(a == 38)
        if len(amp):
            cand = np.unique(rows(amp))
            cand = cand[~flag[cand]]
            if len(cand):
                texts = chunk.take(pa.array(cand)).to_pylist()
                flag[cand[[bool(_ENTITY.search(t)) for t in texts]]] = True
        if chunk.null_count:
            flag &= chunk.is_valid().to_numpy(zero_copy_only=False)
        out.append(flag)
    return np.concatenate(out) if out else np.zeros(0, dtype=bool)


_ISO_DATE = r"^(?:199\d|20\d\d|2100)-\d\d-\d\d$"
_ISO_DATETIME = r"^(?:199\d|20\d\d|2100)-\d\d-\d\d[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:Z|\+00:00)?$"


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def normalise_sql(src: dict[str, str | None], published_kind: str = "text", since: datetime | None = None) -> str:
    """A SELECT over the view `_raw` (its column `__pos` the record's position, `__messy` true where a text
    field needs Python's cleaning) giving, per record, `hard` (true: normalise it in Python), `reason` (why
    it is rejected, or NULL), the article fields other than title, body and url (which a plain row keeps as
    they are), and 64-bit hashes of the de-duplication keys (`content_key`, `url_key`).

    `src` maps each article field to an SQL expression over `_raw` (a quoted column) or None;
    `published_kind` is "text" for strings or "timestamp" for TIMESTAMP/DATE columns. The values of a
    hard row are meaningless; the caller replaces them.
    """
    from etl.records import MAX_BODY, MAX_TITLE

    def col(field: str) -> str:
        return f"CAST({src[field]} AS VARCHAR)" if src.get(field) else "CAST(NULL AS VARCHAR)"

    if published_kind == "timestamp":
        p_parsed = f"CAST({src['published']} AS TIMESTAMP)" if src.get("published") else "CAST(NULL AS TIMESTAMP)"
        p_plain = "true"
    else:
        # fromisoformat's plain shapes: YYYY-MM-DD, or that and [T ]HH:MM[:SS] and an optional Z or +00:00
        p_parsed = (
            f"CASE WHEN regexp_full_match(p0, {_q(_ISO_DATE)}) THEN try_cast(p0 AS TIMESTAMP) "
            f"WHEN regexp_full_match(p0, {_q(_ISO_DATETIME)}) THEN try_cast(left(p0, 10) || ' ' || substr(p0, 12, 5) "
            "|| CASE WHEN substr(p0, 17, 1) = ':' THEN substr(p0, 17, 3) ELSE ':00' END AS TIMESTAMP) END"
        )
        p_plain = f"(p0 IS NULL OR p1 IS NOT NULL OR lower(p0) IN ({NO_DATE_SQL}))"
    tracking = _q(TRACKING_PARAMS.pattern)
    since_sql = f"TIMESTAMP '{since:%Y-%m-%d %H:%M:%S.%f}'" if since else None
    since_reason = f"'published before --since {since:%Y-%m-%d}'" if since else None
    return f"""
    WITH r AS (
        SELECT __pos AS pos, __messy AS messy, coalesce({col('title')}, '') AS t, coalesce({col('body')}, '') AS b,
               nullif({col('url')}, '') AS u, {col('outlet')} AS o0, {col('author')} AS a0,
               {col('published') if published_kind == 'text' else 'NULL'} AS p0, {col('id')} AS x0
        FROM _raw
    ), p AS (
        SELECT *, {p_parsed} AS p1,
               CASE WHEN u IS NOT NULL THEN substr(u, strpos(u, '://') + 3) END AS rest
        FROM r
    ), h AS (
        SELECT *, messy OR NOT {p_plain} OR (u IS NOT NULL AND NOT regexp_full_match(u, {_q(_URL_PLAIN)})) AS hard,
               CASE WHEN u IS NOT NULL THEN regexp_extract(rest, '^[^/?#]*') END AS netloc
        FROM p
    ), d AS (
        SELECT *, split_part(substr(rest, length(netloc) + 1), '#', 1) AS pq,
               lower(netloc) AS host0,
               CASE WHEN p1 IS NULL AND u IS NOT NULL AND NOT hard THEN
                   regexp_extract(u, {_q(_URL_DATE.pattern)}, ['y', 'm', 'd']) END AS ud
        FROM h
    ), e AS (
        SELECT *, CASE WHEN contains(pq, '?') THEN substr(pq, strpos(pq, '?') + 1) ELSE '' END AS qry,
               split_part(pq, '?', 1) AS path
        FROM d
    ), n AS (
        SELECT *,
            coalesce(p1, CASE WHEN ud.y <> '' THEN try_cast(ud.y || '-' || lpad(ud.m, 2, '0') || '-'
                 || lpad(ud.d, 2, '0') AS TIMESTAMP) END) AS dt,
            CASE WHEN starts_with(host0, 'www.') THEN substr(host0, 5) ELSE host0 END AS host1,
            CASE WHEN qry = '' THEN ''
                 WHEN NOT contains(qry, '&') THEN
                     CASE WHEN regexp_matches(split_part(qry, '=', 1), {tracking}, 'i') THEN ''
                          WHEN contains(qry, '=') THEN qry ELSE qry || '=' END
                 ELSE array_to_string(list_transform(list_sort(list_transform(list_filter(string_split(qry, '&'),
                     lambda x: x <> '' AND NOT regexp_matches(split_part(x, '=', 1), {tracking}, 'i')),
                     lambda x: CASE WHEN contains(x, '=') THEN {{'k': split_part(x, '=', 1), 'v': substr(x, strpos(x, '=') + 1)}}
                                    ELSE {{'k': x, 'v': ''}} END)), lambda x: x.k || '=' || x.v), '&') END AS q1
        FROM e
    )
    SELECT pos, hard,
        CASE WHEN t = '' THEN 'no title'
             WHEN length(t) > {MAX_TITLE} THEN 'oversize: title of ' || length(t) || ' characters (max {MAX_TITLE})'
             WHEN length(b) > {MAX_BODY} THEN 'oversize: body of ' || length(b) || ' characters (max {MAX_BODY})'
             {f"WHEN dt IS NOT NULL AND year(dt) BETWEEN 1990 AND 2100 AND dt < {since_sql} THEN {since_reason}"
              if since else ""}
        END AS reason,
        nullif(x0, '') AS external_id, nullif(o0, '') AS outlet, nullif(a0, '') AS author,
        canonical_url,
        CASE WHEN year(dt) BETWEEN 1990 AND 2100 THEN dt END AS published_at,
        CASE WHEN dt IS NULL THEN 'missing' WHEN year(dt) NOT BETWEEN 1990 AND 2100 THEN 'unparsed'
             WHEN p1 IS NULL THEN 'from_url' END AS date_flag,
        content_hash, hash(content_hash) AS content_key, hash(canonical_url) AS url_key
    FROM (SELECT *,
        CASE WHEN u IS NOT NULL THEN 'https://'
            || CASE WHEN ends_with(host1, ':80') THEN left(host1, -3) WHEN ends_with(host1, ':443') THEN left(host1, -4)
                    ELSE host1 END
            || coalesce(nullif(CASE WHEN NOT ends_with(path, '/') THEN path WHEN NOT ends_with(left(path, -1), '/')
                                    THEN left(path, -1) ELSE rtrim(path, '/') END, ''), '/')
            || CASE WHEN q1 <> '' THEN '?' || q1 ELSE '' END END AS canonical_url,
        sha1(lower(t) || chr(10) || lower(b)) AS content_hash
        FROM n)
    """
