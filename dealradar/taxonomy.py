"""The taxonomy contract (sector and signal ids), loaded from data/taxonomy/taxonomy.json only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dealradar.paths import TAXONOMY_FILE


@dataclass(frozen=True)
class Taxonomy:
    """Ids, names and definitions of one taxonomy version."""

    version: int
    sectors: tuple[str, ...]
    signals: tuple[str, ...]
    round_stages: tuple[str, ...]
    deal_signals: tuple[str, ...]
    sector_names: dict
    signal_meanings: dict
    raw: dict

    def sector_name(self, sector_id: str) -> str:
        """Human name of a sector id (the id itself when unknown)."""
        return self.sector_names.get(sector_id, sector_id)


@lru_cache(maxsize=4)
def load_taxonomy(path: str | Path = TAXONOMY_FILE) -> Taxonomy:
    """Load the taxonomy data file (cached)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Taxonomy(
        version=int(data["version"]),
        sectors=tuple(s["id"] for s in data["sectors"]),
        signals=tuple(s["id"] for s in data["signals"]),
        round_stages=tuple(data["round_stages"]),
        deal_signals=tuple(data["deal_signals"]),
        sector_names={s["id"]: s["name"] for s in data["sectors"]},
        signal_meanings={s["id"]: s["meaning"] for s in data["signals"]},
        raw=data,
    )
