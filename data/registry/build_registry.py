#!/usr/bin/env python3
"""Build data/registry/companies.csv from curated.csv and the public datasets.

Dev tool (CI never runs it). Usage, from the repository root:

    python data/registry/build_registry.py                # rebuild companies.csv
    python data/registry/build_registry.py --update-mapping
        # also append proposed rows for dataset values missing from
        # sector_mapping.csv (review them by hand afterwards)
    python data/registry/build_registry.py --datasets /path/to/datasets

Inputs:
  * curated.csv (hand-written from public knowledge; always wins);
  * ../shared/datasets/unicorn_companies_2022.csv (latin-1);
  * ../shared/datasets/crunchbase_acquisitions_2015.csv (companies acquired
    2015 or later, plus notable acquirers);
  * ../shared/datasets/indian_startup_funding_2015_2020.csv (cp1252).
Only facts are taken from the datasets (name, country, founding year,
industry label mapped to our sectors, acquirer and year); descriptions of
dataset-derived rows are generated from those facts, never copied.

The output is deterministic: rows sorted by company_id, stable slugs,
stable JSON key order. Missing datasets are skipped with a warning, so the
script still rebuilds the curated part alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from etl.linking import is_common_phrase, normalise  # noqa: E402

logger = logging.getLogger("build_registry")

COLUMNS = [
    "company_id", "name", "aliases", "kind", "sector", "country", "founded_year",
    "description", "sources",
]
SECTORS = [
    "foundation_models", "ai_infrastructure", "developer_tools", "enterprise_software",
    "healthcare", "fintech", "mobility_space", "robotics", "security_defense",
    "commerce_retail", "media_consumer", "climate_energy", "other",
]
SECTOR_LABEL = {
    "foundation_models": "generative AI", "ai_infrastructure": "AI and data infrastructure",
    "developer_tools": "developer tools", "enterprise_software": "business software",
    "healthcare": "healthcare", "fintech": "financial services",
    "mobility_space": "mobility and logistics", "robotics": "robotics and manufacturing",
    "security_defense": "security", "commerce_retail": "commerce",
    "media_consumer": "consumer internet and media", "climate_energy": "climate and food",
    "other": "technology",
}
KINDS = ["startup", "big_tech", "investor", "other"]

UNICORN = "unicorn_companies_2022"
CRUNCHBASE = "crunchbase_acquisitions_2015"
INDIA = "indian_startup_funding_2015_2020"
PUBLIC = "public_knowledge"

COUNTRY_NAME_TO_ISO2 = {
    "Argentina": "AR", "Australia": "AU", "Austria": "AT", "Bahamas": "BS", "Belgium": "BE",
    "Bermuda": "BM", "Brazil": "BR", "Canada": "CA", "Chile": "CL", "China": "CN",
    "Colombia": "CO", "Croatia": "HR", "Czech Republic": "CZ", "Denmark": "DK",
    "Estonia": "EE", "Finland": "FI", "France": "FR", "Germany": "DE", "Hong Kong": "HK",
    "India": "IN", "Indonesia": "ID", "Ireland": "IE", "Israel": "IL", "Italy": "IT",
    "Japan": "JP", "Lithuania": "LT", "Luxembourg": "LU", "Malaysia": "MY", "Mexico": "MX",
    "Netherlands": "NL", "Nigeria": "NG", "Norway": "NO", "Philippines": "PH",
    "Senegal": "SN", "Singapore": "SG", "South Africa": "ZA", "South Korea": "KR",
    "Spain": "ES", "Sweden": "SE", "Switzerland": "CH", "Thailand": "TH", "Turkey": "TR",
    "United Arab Emirates": "AE", "United Kingdom": "GB", "United States": "US",
    "Vietnam": "VN",
}
ISO3_TO_ISO2 = {
    "AFG": "AF", "ARE": "AE", "ARG": "AR", "AUS": "AU", "AUT": "AT", "BEL": "BE", "BGR": "BG",
    "BHR": "BH", "BLR": "BY", "BMU": "BM", "BRA": "BR", "BWA": "BW", "CAN": "CA", "CHE": "CH",
    "CHL": "CL", "CHN": "CN", "COL": "CO", "CRI": "CR", "CYM": "KY", "CYP": "CY", "CZE": "CZ",
    "DEU": "DE", "DNK": "DK", "ECU": "EC", "EGY": "EG", "ESP": "ES", "EST": "EE", "FIN": "FI",
    "FRA": "FR", "GBR": "GB", "GGY": "GG", "GHA": "GH", "GIB": "GI", "GRC": "GR", "HKG": "HK",
    "HRV": "HR", "HUN": "HU", "IDN": "ID", "IMN": "IM", "IND": "IN", "IRL": "IE", "IRN": "IR",
    "ISL": "IS", "ISR": "IL", "ITA": "IT", "JEY": "JE", "JOR": "JO", "JPN": "JP", "KEN": "KE",
    "KOR": "KR", "KWT": "KW", "LBN": "LB", "LKA": "LK", "LTU": "LT", "LUX": "LU", "LVA": "LV",
    "MAF": "MF", "MAR": "MA", "MDA": "MD", "MEX": "MX", "MLT": "MT", "MUS": "MU", "MYS": "MY",
    "NAM": "NA", "NGA": "NG", "NLD": "NL", "NOR": "NO", "NPL": "NP", "NZL": "NZ", "PAK": "PK",
    "PAN": "PA", "PHL": "PH", "POL": "PL", "PRT": "PT", "ROM": "RO", "RUS": "RU", "SAU": "SA",
    "SGP": "SG", "SRB": "RS", "SVK": "SK", "SVN": "SI", "SWE": "SE", "THA": "TH", "TTO": "TT",
    "TUN": "TN", "TUR": "TR", "TWN": "TW", "UGA": "UG", "UKR": "UA", "URY": "UY", "USA": "US",
    "VNM": "VN", "ZAF": "ZA",
}
COUNTRY_ADJ = {
    "US": "US", "GB": "UK", "IN": "Indian", "CN": "Chinese", "DE": "German", "FR": "French",
    "IL": "Israeli", "CA": "Canadian", "BR": "Brazilian", "KR": "South Korean",
    "SG": "Singapore", "AU": "Australian", "SE": "Swedish", "ID": "Indonesian",
    "HK": "Hong Kong", "MX": "Mexican", "NL": "Dutch", "IE": "Irish", "CH": "Swiss",
    "JP": "Japanese", "FI": "Finnish", "NO": "Norwegian", "TR": "Turkish", "BE": "Belgian",
    "AE": "UAE", "ES": "Spanish", "EE": "Estonian", "DK": "Danish", "CO": "Colombian",
    "AT": "Austrian", "VN": "Vietnamese", "ZA": "South African", "TH": "Thai",
    "CL": "Chilean", "PH": "Philippine", "IT": "Italian", "RU": "Russian", "PL": "Polish",
    "NZ": "New Zealand", "AR": "Argentine", "NG": "Nigerian", "PT": "Portuguese",
}

#: Dataset values too broad to decide a sector when a specific one exists.
GENERIC_VALUES = {
    "software", "mobile", "internet", "technology", "tech", "apps", "app", "services",
    "saas", "enterprise software", "information technology", "it", "cloud computing",
    "analytics", "big data", "curated web", "startups", "consumer internet", "android",
    "ios", "iphone", "ipad", "hardware + software", "b2b", "artificial intelligence",
    "machine learning", "web hosting", "others", "other", "online", "platform",
    "information services", "service providers", "enterprises", "web", "consumer",
    "digital", "it services", "mobile apps", "internet software & services",
    "hardware", "mobile & telecommunications", "data management & analytics",
}

#: Trailing words that do not tell two companies apart when de-duplicating
#: ("Astranis Space Technologies" = "Astranis", "Fyle Technologies" = "Fyle").
FILLER_WORDS = frozenset(
    ["ai", "labs", "lab", "technologies", "technology", "tech", "hq", "app", "apps", "io", "group", "holdings", "holding", "software", "systems", "solutions", "network", "networks", "global", "international", "india", "online", "services", "platform", "platforms", "space", "inc", "corp", "company", "limited", "pvt", "private", "ltd", "llc"]
)

_INVESTOR_CATS = re.compile(r"venture capital|private equity|investment management|hedge fund", re.I)
_JUNK_NAME = re.compile(r"\d{6,}|phone number|customer service|support number|helpline|tech support", re.I)


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def slug(name: str) -> str:
    """Stable ASCII slug: "Weights & Biases" -> "weights-and-biases"."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = s.replace("&", " and ").replace("+", " plus ")
    s = re.sub(r"['\u2019]", "", s)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def dedupe_keys(name: str) -> list[str]:
    """Keys under which two spellings of a name count as the same company."""
    keys: list[str] = []
    base = normalise(name)
    for cand in (base, re.sub(r"\s+(com|in|net|org|co in)$", "", base)):
        if cand and cand not in keys:
            keys.append(cand)
    if re.search(r"['\u2019]s\b", name, re.I):
        glued = normalise(re.sub(r"['\u2019](s)\b", r"\1", name, flags=re.I))
        if glued and glued not in keys:
            keys.append(glued)
    compact = base.replace(" ", "")
    if compact and compact != base and len(compact) >= 6 and compact not in keys:
        keys.append(compact)
    tokens = base.split()
    while len(tokens) > 1 and tokens[-1] in FILLER_WORDS:
        tokens.pop()
    stripped = " ".join(tokens)
    if (stripped and stripped not in keys and len(stripped.replace(" ", "")) >= 4
            and not is_common_phrase(stripped)):
        keys.append(stripped)
    return keys


def fix_escapes(text: str) -> str:
    """Undo literal byte escapes found in the Indian dataset ("Byju\\xe2\\x80\\x99s")."""
    text = text.replace("\\\\", "\\")

    def _bytes(m: re.Match[str]) -> str:
        raw = bytes(int(h, 16) for h in re.findall(r"\\x([0-9a-fA-F]{2})", m.group(0)))
        return raw.decode("utf-8", errors="ignore")

    text = re.sub(r"(?:\\x[0-9a-fA-F]{2})+", _bytes, text)
    text = text.replace("\\n", " ").replace("\\'", "'").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


def clean_name(raw: str) -> str:
    name = fix_escapes(str(raw))
    m = re.match(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+)\.[a-z.]+/?$", name, re.I)
    if m:  # a bare URL: keep the domain label
        label = m.group(1)
        name = label[:1].upper() + label[1:]
    name = re.sub(r"\s*\((?:previously|formerly|earlier)[^)]*\)", "", name, flags=re.I)
    name = name.split(" | ")[0].replace("\u2122", "").replace("\u00ae", "")
    return name.strip(" ,.-")


def ok_name(name: str) -> bool:
    if not name or len(name) > 60 or _JUNK_NAME.search(name):
        return False
    key = normalise(name)
    return len(key.replace(" ", "")) >= 2 and not key.isdigit()


def year_or_empty(value: object) -> str:
    try:
        y = int(float(str(value).strip()))
    except ValueError:
        return ""
    return str(y) if 1800 <= y <= 2026 else ""


# --------------------------------------------------------------------------
# Sector mapping
# --------------------------------------------------------------------------


@dataclass
class SectorMapper:
    """Exact dataset values -> sector, plus keyword rules for new values."""

    exact: dict[tuple[str, str], tuple[str, bool]] = field(default_factory=dict)
    keywords: list[tuple[re.Pattern[str], str, str]] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    proposed: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> SectorMapper:
        mapper = cls()
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                mapper.rows.append(row)
                sector = row["sector"].strip()
                if sector not in SECTORS:
                    raise ValueError(f"bad sector {sector!r} in {path}")
                if row["source_dataset"] == "keyword":
                    mapper.keywords.append(
                        (re.compile(r"(?:^|\b)(?:" + row["source_value"] + ")", re.I), sector,
                         row["source_value"])
                    )
                else:
                    generic = row["note"].startswith("generic")
                    key = (row["source_dataset"], row["source_value"].strip().casefold())
                    mapper.exact[key] = (sector, generic)
        return mapper

    def by_keyword(self, text: str) -> str | None:
        for rx, sector, _ in self.keywords:
            if rx.search(text):
                return sector
        return None

    def lookup(self, dataset: str, value: str) -> tuple[str, bool] | None:
        """(sector, is_generic) for a dataset value, proposing a row if new."""
        value = fix_escapes(str(value)).strip()
        if not value:
            return None
        key = (dataset, value.casefold())
        if key in self.exact:
            return self.exact[key]
        generic = value.casefold() in GENERIC_VALUES
        sector = self.by_keyword(value) or "other"
        note = ("generic: too broad alone; used only when no specific value maps; "
                if generic else "") + "proposed by keyword rule"
        self.exact[key] = (sector, generic)
        self.proposed.append(
            {"source_dataset": dataset, "source_value": value, "sector": sector, "note": note}
        )
        return sector, generic

    def resolve(self, dataset: str, values: list[str]) -> str:
        """Pick one sector for a list of labels: specific beats generic."""
        specific: list[str] = []
        weak: list[str] = []
        for v in values:
            hit = self.lookup(dataset, v)
            if hit is None:
                continue
            sector, generic = hit
            (weak if generic or sector == "other" else specific).append(sector)
        pool = specific or weak
        if not pool:
            return "other"
        counts = Counter(pool)
        best = max(counts.values())
        return next(s for s in pool if counts[s] == best)

    def write(self, path: Path) -> None:
        rows = self.rows + self.proposed
        keyword_rows = [r for r in rows if r["source_dataset"] == "keyword"]
        value_rows = sorted(
            (r for r in rows if r["source_dataset"] != "keyword"),
            key=lambda r: (r["source_dataset"], r["source_value"].casefold()),
        )
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=["source_dataset", "source_value", "sector", "note"],
                               lineterminator="\n")
            w.writeheader()
            w.writerows(keyword_rows + value_rows)


# --------------------------------------------------------------------------
# Registry assembly
# --------------------------------------------------------------------------


@dataclass
class Entry:
    name: str
    kind: str
    sector: str
    country: str = ""
    founded_year: str = ""
    description: str = ""
    aliases: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    company_id: str = ""


class Registry:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.index: dict[str, Entry] = {}
        self.ids: set[str] = set()

    def find(self, name: str) -> Entry | None:
        for key in dedupe_keys(name):
            if key in self.index:
                return self.index[key]
        return None

    def _register(self, entry: Entry, name: str, exact_only: bool = False) -> None:
        keys = dedupe_keys(name)
        for key in keys[:1] if exact_only else keys:
            self.index.setdefault(key, entry)

    def register_variants(self) -> None:
        """Index the looser keys of every entry after all exact keys are in."""
        for entry in self.entries:
            for name in [entry.name, *entry.aliases]:
                self._register(entry, name)

    def add(self, entry: Entry, company_id: str = "", exact_only: bool = False) -> Entry:
        cid = company_id or slug(entry.name)
        if not cid:
            cid = "company"
        if cid in self.ids:
            base = f"{cid}-{entry.country.lower()}" if entry.country else cid
            cid, n = base, 2
            while cid in self.ids:
                cid, n = f"{base}-{n}", n + 1
        entry.company_id = cid
        self.ids.add(cid)
        self.entries.append(entry)
        self._register(entry, entry.name, exact_only)
        for alias in entry.aliases:
            self._register(entry, alias, exact_only)
        return entry

    def merge(self, entry: Entry, name: str, source: str, **facts: str) -> None:
        """Fill empty facts of an existing entry from a dataset row."""
        for fact, value in facts.items():
            if value and not getattr(entry, fact):
                setattr(entry, fact, value)
                entry.sources[fact] = source
        if (normalise(name) != normalise(entry.name)
                and all(normalise(name) != normalise(a) for a in entry.aliases)):
            entry.aliases.append(name)
            entry.sources.setdefault("aliases", source)
        self._register(entry, name)


def load_curated(path: Path, reg: Registry) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            aliases = [a for a in row["aliases"].split("|") if a.strip()]
            sources = {f: PUBLIC for f in ("name", "kind", "sector", "description")}
            if aliases:
                sources["aliases"] = PUBLIC
            if row["country"]:
                sources["country"] = PUBLIC
            if row["founded_year"]:
                sources["founded_year"] = PUBLIC
            entry = Entry(
                name=row["name"], kind=row["kind"], sector=row["sector"],
                country=row["country"], founded_year=row["founded_year"],
                description=row["description"], aliases=aliases, sources=sources,
            )
            if normalise(entry.name) in reg.index:
                logger.warning("curated duplicate skipped: %s", entry.name)
                continue
            reg.add(entry, row["company_id"], exact_only=True)
    reg.register_variants()


def _read_csv(path: Path, encoding: str) -> list[dict[str, str]]:
    with path.open(newline="", encoding=encoding) as fh:
        return [{k.strip(): (v or "").strip() for k, v in r.items() if k} for r in csv.DictReader(fh)]


def load_unicorns(path: Path, reg: Registry, mapper: SectorMapper) -> int:
    n = 0
    for row in _read_csv(path, "latin-1"):
        name = clean_name(row["Company"])
        if not ok_name(name):
            continue
        country = COUNTRY_NAME_TO_ISO2.get(row["Country"], "")
        year = year_or_empty(row["Year Founded"])
        sector = mapper.resolve(UNICORN, [row["Industry"]])
        joined = row["Date Joined"][-4:]
        existing = reg.find(name)
        if existing:
            reg.merge(existing, name, UNICORN, country=country, founded_year=year)
            continue
        adj = COUNTRY_ADJ.get(country, "")
        desc = f"{adj + ' ' if adj else ''}{SECTOR_LABEL[sector]} company"
        if row["City"]:
            desc += f" based in {row['City']}"
        desc += f", valued at over $1B since {joined}." if joined.isdigit() else "."
        reg.add(Entry(
            name=name, kind="startup", sector=sector, country=country, founded_year=year,
            description=desc[0].upper() + desc[1:],
            sources={f: UNICORN for f in ("name", "kind", "sector", "country", "description")}
            | ({"founded_year": UNICORN} if year else {}),
        ))
        n += 1
    return n


def load_crunchbase(path: Path, reg: Registry, mapper: SectorMapper) -> tuple[int, int]:
    rows = _read_csv(path, "utf-8")
    added = 0
    recent = [r for r in rows if r["acquired_at"][:4].isdigit()
              and 2015 <= int(r["acquired_at"][:4]) <= 2026]
    for row in sorted(recent, key=lambda r: (r["company_name"].casefold(), r["acquired_at"])):
        name = clean_name(row["company_name"])
        if not ok_name(name):
            continue
        cats = [c for c in row["company_category_list"].split("|") if c]
        sector = mapper.resolve(CRUNCHBASE, cats)
        country = ISO3_TO_ISO2.get(row["company_country_code"], "")
        existing = reg.find(name)
        if existing:
            reg.merge(existing, name, CRUNCHBASE, country=country)
            continue
        kind = "investor" if any(_INVESTOR_CATS.search(c) for c in cats) else "startup"
        adj = COUNTRY_ADJ.get(country, "")
        buyer = clean_name(row["acquirer_name"])
        desc = (f"{adj + ' ' if adj else ''}{SECTOR_LABEL[sector]} company acquired by "
                f"{buyer} in {row['acquired_at'][:4]}.")
        reg.add(Entry(
            name=name, kind=kind, sector=sector, country=country,
            description=desc[0].upper() + desc[1:],
            sources={f: CRUNCHBASE for f in ("name", "kind", "sector", "description")}
            | ({"country": CRUNCHBASE} if country else {}),
        ))
        added += 1
    # Notable acquirers: at least 5 deals in the export, or 2 dated 2015+.
    total = Counter(r["acquirer_name"] for r in rows if r["acquirer_name"])
    late = Counter(r["acquirer_name"] for r in recent if r["acquirer_name"])
    first_row: dict[str, dict[str, str]] = {}
    for r in rows:
        first_row.setdefault(r["acquirer_name"], r)
    acquirers = 0
    for raw in sorted(n for n in total if total[n] >= 5 or late[n] >= 2):
        name = clean_name(re.sub(r"\s*\([^)]*\)\s*$", "", raw))
        if not ok_name(name):
            continue
        row = first_row[raw]
        country = ISO3_TO_ISO2.get(row["acquirer_country_code"], "")
        existing = reg.find(name)
        if existing:
            reg.merge(existing, name, CRUNCHBASE, country=country)
            continue
        cats = [c for c in row["acquirer_category_list"].split("|") if c]
        investor = any(_INVESTOR_CATS.search(c) for c in cats)
        sector = "other" if investor else mapper.resolve(CRUNCHBASE, cats)
        adj = COUNTRY_ADJ.get(country, "")
        what = "investment firm" if investor else f"{SECTOR_LABEL[sector]} company"
        desc = f"{adj + ' ' if adj else ''}{what} that made {total[raw]} acquisitions recorded up to 2015."
        reg.add(Entry(
            name=name, kind="investor" if investor else "other", sector=sector, country=country,
            description=desc[0].upper() + desc[1:],
            sources={f: CRUNCHBASE for f in ("name", "kind", "sector", "description")}
            | ({"country": CRUNCHBASE} if country else {}),
        ))
        acquirers += 1
    return added, acquirers


def load_india(path: Path, reg: Registry, mapper: SectorMapper) -> int:
    rows = _read_csv(path, "cp1252")
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    display: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        name = clean_name(row["StartupName"])
        if not ok_name(name):
            continue
        # "Fyle" and "Fyle Technologies" share their last (filler-free) key.
        key = dedupe_keys(name)[-1]
        groups[key].append(row)
        display[key][name] += 1
    added = 0
    for key in sorted(groups):
        items = groups[key]
        name = sorted(display[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        variants = sorted(v for v in display[key] if normalise(v) != normalise(name))
        years = sorted(
            int(m.group(0)) for r in items
            if (m := re.search(r"(20\d\d)\s*$", fix_escapes(r["Date"]))) is not None
        )
        city = Counter(fix_escapes(r["CityLocation"]).split("/")[0].strip()
                       for r in items if r["CityLocation"]).most_common(1)
        city_name = city[0][0] if city else ""
        verticals = [r["IndustryVertical"] for r in items if r["IndustryVertical"]]
        sector = mapper.resolve(INDIA, verticals)
        if sector == "other" or all(
            (mapper.lookup(INDIA, v) or ("other", True))[1] for v in verticals
        ):
            sub = " ".join(fix_escapes(r["SubVertical"]) for r in items if r["SubVertical"])
            kw = mapper.by_keyword(sub) if sub else None
            if kw and kw != "other":
                sector = kw
        existing = reg.find(name)
        if existing is None:
            for v in variants:
                existing = reg.find(v)
                if existing:
                    break
        if existing:
            reg.merge(existing, name, INDIA, country="IN")
            for v in variants:
                reg.merge(existing, v, INDIA)
            continue
        desc = f"Indian {SECTOR_LABEL[sector]} startup"
        if city_name:
            desc += f" based in {city_name}"
        if years:
            desc += f", with funding rounds recorded {years[0]}" + (
                f"-{years[-1]}." if years[-1] != years[0] else ".")
        else:
            desc += "."
        entry = Entry(
            name=name, kind="startup", sector=sector, country="IN", description=desc,
            aliases=[v for v in variants if not is_common_phrase(normalise(v))],
            sources={f: INDIA for f in ("name", "kind", "sector", "country", "description")},
        )
        if entry.aliases:
            entry.sources["aliases"] = INDIA
        reg.add(entry)
        added += 1
    return added


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

FACT_ORDER = ["name", "aliases", "kind", "sector", "country", "founded_year", "description"]


def write_registry(reg: Registry, path: Path) -> list[dict[str, str]]:
    rows = []
    for e in sorted(reg.entries, key=lambda e: e.company_id):
        aliases: list[str] = []
        seen = {normalise(e.name)}
        for a in e.aliases:
            k = normalise(a)
            if k and k not in seen:
                seen.add(k)
                aliases.append(a.replace("|", "/"))
        sources = {f: e.sources[f] for f in FACT_ORDER if f in e.sources}
        rows.append({
            "company_id": e.company_id, "name": e.name, "aliases": "|".join(aliases),
            "kind": e.kind, "sector": e.sector, "country": e.country,
            "founded_year": e.founded_year, "description": e.description,
            "sources": json.dumps(sources, separators=(",", ":")),
        })
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return rows


def counts_markdown(rows: list[dict[str, str]]) -> str:
    kinds = Counter(r["kind"] for r in rows)
    sectors = Counter(r["sector"] for r in rows)
    origin = Counter(
        "curated" if json.loads(r["sources"]).get("name") == PUBLIC
        else json.loads(r["sources"]).get("name") for r in rows
    )
    lines = [f"Total rows: **{len(rows)}**", "", "| kind | rows |", "|---|---:|"]
    lines += [f"| `{k}` | {kinds.get(k, 0)} |" for k in KINDS]
    lines += ["", "| sector | rows |", "|---|---:|"]
    lines += [f"| `{s}` | {sectors.get(s, 0)} |" for s in SECTORS]
    lines += ["", "| row created from | rows |", "|---|---:|"]
    for src in ("curated", UNICORN, CRUNCHBASE, INDIA):
        lines.append(f"| {src} | {origin.get(src, 0)} |")
    return "\n".join(lines)


def update_readme(readme: Path, table: str) -> None:
    if not readme.exists():
        return
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- counts:start -->", "<!-- counts:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", type=Path, default=REPO.parent / "shared" / "datasets")
    ap.add_argument("--out", type=Path, default=HERE / "companies.csv")
    ap.add_argument("--update-mapping", action="store_true",
                    help="append proposed rows for unmapped dataset values")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    mapper = SectorMapper.load(HERE / "sector_mapping.csv")
    reg = Registry()
    load_curated(HERE / "curated.csv", reg)
    logger.info("curated rows: %d", len(reg.entries))
    ds = args.datasets
    for fname, loader in (
        ("unicorn_companies_2022.csv", load_unicorns),
        ("crunchbase_acquisitions_2015.csv", load_crunchbase),
        ("indian_startup_funding_2015_2020.csv", load_india),
    ):
        path = ds / fname
        if not path.exists():
            logger.warning("dataset missing, skipped: %s", path)
            continue
        logger.info("%s: added %s", fname, loader(path, reg, mapper))
    if mapper.proposed:
        logger.warning("%d dataset values missing from sector_mapping.csv", len(mapper.proposed))
        if args.update_mapping:
            mapper.write(HERE / "sector_mapping.csv")
            logger.info("sector_mapping.csv updated; review the proposed rows")
    rows = write_registry(reg, args.out)
    table = counts_markdown(rows)
    update_readme(HERE / "README.md", table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
