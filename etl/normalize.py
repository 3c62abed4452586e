"""Normalise raw article fields: text cleaning, UTC timestamps, canonical URLs, content hashes."""

from __future__ import annotations

import email.utils
import hashlib
import html
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dateutil import parser as dateparser

_TAG = re.compile(r"<[^>]{0,2000}>")
_WS = re.compile(r"\s+")
_URL_DATE = re.compile(r"/(20\d\d|19\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
_URL_YM = re.compile(r"/(20\d\d)/(\d{2})/")
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ref|ref_src|igshid|yclid|_hsenc|_hsmi|"
    r"mkt_tok|cmpid|ncid|sr_share|guccounter|guce_referrer\w*|__twitter_impression|s_kwcid)$",
    re.IGNORECASE,
)
NO_DATE_TOKENS = {"", "no date", "none", "null", "nan", "n/a", "na", "-", "unknown", "undated"}


def clean_text(value: object) -> str:
    """Strip HTML tags, decode entities and collapse whitespace."""
    if value is None:
        return ""
    s = str(value)
    if "<" in s:
        s = _TAG.sub(" ", s)
    if "&" in s:
        s = html.unescape(s)
    return _WS.sub(" ", s).strip()


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
    key = (_WS.sub(" ", title).strip().lower() + "\n" + _WS.sub(" ", body).strip().lower())
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
