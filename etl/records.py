"""Map source records to DealRadar's article fields and validate them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from dealradar.errors import InputError
from etl.normalize import canonical_url, clean_text, content_hash, parse_timestamp, utf8_safe

FIELDS = ("title", "body", "published", "url", "outlet", "author", "id")
CANDIDATES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "head", "name", "subject"),
    "body": ("body", "content", "text", "description", "summary", "lede", "article", "story"),
    "published": ("published_at", "published", "date", "publication date", "publication_date",
                  "pubdate", "pub_date", "when", "time", "datetime", "timestamp", "created_at", "updated"),
    "url": ("url", "link", "href", "permalink", "canonical_url"),
    "outlet": ("outlet", "source", "publisher", "site", "sitename", "feed", "publication"),
    "author": ("author", "byline", "writer", "authors"),
    "id": ("id", "guid", "article_id", "uid", "external_id"),
}
MAX_TITLE = 1_000
MAX_BODY = 200_000


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    """Parse `--map FIELD=COLUMN` options into {field: column}."""
    out: dict[str, str] = {}
    for p in pairs or []:
        if "=" not in p:
            raise InputError(f"--map {p!r}: expected FIELD=COLUMN, e.g. title=Headline")
        field, col = (s.strip() for s in p.split("=", 1))
        if field not in FIELDS:
            raise InputError(f"--map {p!r}: unknown field {field!r} (fields: {', '.join(FIELDS)})")
        out[field] = col
    return out


def resolve_columns(columns: list[str], mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Choose the source column for each article field: the user's mapping, else known names."""
    mapping = mapping or {}
    lower = {c.strip().lower(): c for c in columns}
    out: dict[str, str] = {}
    for field in FIELDS:
        if field in mapping:
            col = mapping[field]
            if col not in columns and col.lower() not in lower:
                raise InputError(f"--map {field}={col}: no column {col!r} (columns: {', '.join(columns)})")
            out[field] = col if col in columns else lower[col.lower()]
            continue
        for cand in CANDIDATES[field]:
            if cand in lower and lower[cand] not in out.values():
                out[field] = lower[cand]
                break
    return out


@dataclass
class Article:
    """A normalised article ready to load."""

    position: int
    external_id: str | None
    outlet: str | None
    author: str | None
    url: str | None
    canonical_url: str | None
    title: str
    body: str
    published_at: datetime | None
    date_flag: str | None
    content_hash: str


def _scalar(v: object) -> object:
    if isinstance(v, list):
        return ", ".join(str(x.get("name", x)) if isinstance(x, dict) else str(x) for x in v)
    if isinstance(v, dict):
        return v.get("name") or v.get("value") or json.dumps(v, ensure_ascii=False)
    return v


def to_article(position: int, rec: dict, columns: dict[str, str], default_outlet: str | None = None,
               dayfirst: bool = False) -> Article | str:
    """Normalise one record; return the Article, or the reject reason as a string."""
    def get(field: str) -> object:
        col = columns.get(field)
        return _scalar(rec.get(col)) if col is not None else None

    raw_title = get("title")
    title = clean_text(raw_title)
    if not title:
        return "no title"
    if len(title) > MAX_TITLE:
        return f"oversize: title of {len(title)} characters (max {MAX_TITLE})"
    body = clean_text(get("body"))
    if len(body) > MAX_BODY:
        return f"oversize: body of {len(body)} characters (max {MAX_BODY})"
    if "\ufffd" in title:
        return "undecodable: title contains replacement characters"
    url = clean_text(get("url")) or None
    parsed = parse_timestamp(get("published"), url, dayfirst=dayfirst)
    ext = get("id")
    return Article(
        position=position,
        external_id=utf8_safe(str(ext)) if ext not in (None, "") else None,
        outlet=clean_text(get("outlet")) or default_outlet,
        author=clean_text(get("author")) or None,
        url=url,
        canonical_url=canonical_url(url),
        title=title,
        body=body,
        published_at=parsed.value,
        date_flag=parsed.flag,
        content_hash=content_hash(title, body),
    )
