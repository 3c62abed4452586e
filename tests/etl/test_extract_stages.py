"""find_stage: round stages mapped to TAXONOMY.md ids."""

from __future__ import annotations

import pytest

from etl.extract.stages import STAGES, find_stage, find_stages

CASES = [
    ("Acme raises $30M Series B led by Foo", "series_b", "Series B"),
    ("Acme closes Series B-2 round", "series_b", "Series B-2"),
    ("Acme adds $5M to its Series B1", "series_b", "Series B1"),
    ("Acme raises a Series B+ round", "series_b", "Series B+"),
    ("Acme raises a B+ round", "series_b", "B+ round"),
    ("Acme completes B round", "series_b", "B round"),
    ("Acme closes C-round", "series_c", "C-round"),
    ("Acme closes A-round", "series_a", "A-round"),
    ("acme raises series a funding", "series_a", "series a"),
    ("Acme lands Series A", "series_a", "Series A"),
    ("Acme raises Series H", "series_h", "Series H"),
    ("Acme raises Series J", "growth", "Series J"),
    ("Acme raises pre-seed round", "pre_seed", "pre-seed"),
    ("Acme raises pre seed money", "pre_seed", "pre seed"),
    ("Acme raises $2M seed round", "seed", "seed"),
    ("Acme Gets $5 Million In Seed", "seed", "Seed"),
    ("Acme raises seed-stage funding", "seed", "seed-stage"),
    ("Acme raises pre-Series A round", "seed", "pre-Series A round"),
    ("Acme raises Pre-A round", "seed", "Pre-A round"),
    ("Acme raises angel round", "seed", "angel round"),
    ("青禾完成天使轮融资", "seed", "天使轮"),
    ("青禾完成B轮融资", "series_b", "B轮"),
    ("Acme raises $300M growth round", "growth", "growth round"),
    ("Acme takes growth equity from Foo", "growth", "growth equity"),
    ("Acme raises late-stage funding", "growth", "late-stage funding"),
    ("Acme raises pre-IPO round", "growth", "pre-IPO round"),
    ("Acme secures debt financing", "debt", "debt financing"),
    ("Acme secures venture debt from Foo", "debt", "venture debt"),
    ("Acme secures $50M credit facility", "debt", "credit facility"),
    ("Acme secures a line of credit", "debt", "line of credit"),
    ("Acme secures $3B loan to expand", "debt", "loan"),
    ("Acme raises $20M in debt", "debt", "debt"),
    ("Acme raises $10M via convertible notes", "debt", "convertible notes"),
    ("Acme wins $2M grant from the EU", "grant", "grant"),
]

NONE = [
    "Acme raises a round",
    "Acme raises $10M",
    "Foo Ventures raises new seed fund",
    "Acme is backed by seed investors",
    "Foo launches growth fund",
    "A loan marketplace raises $5M",
    "Acme raises $5M to make more loans",
    "Google grants access to its models",
    "A series of events",
    "Acme debt collection app",
    "",
]


@pytest.mark.parametrize("text,stage,raw", CASES, ids=[c[0][:40] for c in CASES])
def test_find_stage(text: str, stage: str, raw: str) -> None:
    fact = find_stage(text)
    assert fact is not None
    assert (fact.stage, fact.raw) == (stage, raw)
    assert text[fact.start:fact.end] == raw
    assert fact.stage in STAGES


@pytest.mark.parametrize("text", NONE)
def test_no_stage(text: str) -> None:
    assert find_stage(text) is None


def test_all_mentions_in_order() -> None:
    text = "Acme raises $40M Series C, two years after its $10M Series A"
    assert [f.stage for f in find_stages(text)] == ["series_c", "series_a"]
