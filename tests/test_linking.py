"""Tests for etl.linking on a tiny hand-written registry and invented sentences."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.linking import CompanyLinker, Mention, name_variants, normalise  # noqa: E402

REGISTRY = [
    ("openai", "OpenAI", "ChatGPT|Open AI", "startup"),
    ("anthropic", "Anthropic", "Claude", "startup"),
    ("mistral-ai", "Mistral AI", "", "startup"),
    ("nvidia", "Nvidia", "NVIDIA Corporation", "big_tech"),
    ("globex", "Globex", "", "big_tech"),
    ("acme-robotics", "Acme Robotics", "", "startup"),
    ("acme", "Acme", "", "other"),
    ("zetalytics", "Zetalytics", "", "startup"),
    ("block", "Block", "Square|Cash App", "other"),
    ("bolt", "Bolt", "Taxify", "startup"),
    ("three-m", "3M", "", "other"),
    ("sequoia-capital", "Sequoia Capital", "Sequoia", "investor"),
    ("thrive-capital", "Thrive Capital", "", "investor"),
    ("y-combinator", "Y Combinator", "YC", "investor"),
    ("quillfeather", "Quillfeather Health", "", "startup"),
]


@pytest.fixture(scope="module")
def linker() -> CompanyLinker:
    return CompanyLinker(REGISTRY)


def ids(mentions: list[Mention]) -> list[str]:
    return [m.company_id for m in mentions]


def main_id(linker: CompanyLinker, title: str, body: str = "") -> str | None:
    m = linker.main_company(title, body)
    return m.company_id if m else None


# ------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mistral AI SAS", "mistral ai"),
        ("OpenAI, Inc.", "openai"),
        ("BYJU'S", "byju"),
        ("Société Générale S.A.", "societe generale"),
        ("Weights & Biases", "weights and biases"),
        ("Acme Robotics Pvt. Ltd.", "acme robotics"),
        ("The Trade Desk", "trade desk"),
        ("dbt Labs", "dbt labs"),
        ("Checkout.com", "checkout com"),
        ("", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_name_variants_keep_distinctive_words() -> None:
    assert name_variants("Mistral AI") == ["mistral ai", "mistral"]
    assert name_variants("BYJU'S") == ["byju", "byjus"]
    # "Scale" is a common word: no short form for "Scale AI".
    assert name_variants("Scale AI") == ["scale ai"]


# ------------------------------------------------------------- matching


def test_exact_match_offsets(linker: CompanyLinker) -> None:
    text = "Acme Robotics hires a new CFO"
    (m,) = linker.find_mentions(text)
    assert (m.company_id, m.method, m.start, m.end, m.score) == ("acme-robotics", "exact", 0, 13, 100.0)
    assert text[m.start:m.end] == "Acme Robotics"


def test_alias_match(linker: CompanyLinker) -> None:
    mentions = linker.find_mentions("Usage of ChatGPT doubled, OpenAI's report says")
    assert [(m.company_id, m.method, m.text) for m in mentions] == [
        ("openai", "alias", "ChatGPT"),
        ("openai", "exact", "OpenAI"),
    ]


def test_generated_short_form_is_alias(linker: CompanyLinker) -> None:
    (m,) = linker.find_mentions("Mistral ships a new model")
    assert (m.company_id, m.method, m.text) == ("mistral-ai", "alias", "Mistral")


def test_fuzzy_near_miss(linker: CompanyLinker) -> None:
    (m,) = linker.find_mentions("Zetalyticks opens a Berlin office")
    assert m.company_id == "zetalytics"
    assert m.method == "fuzzy"
    assert 90 <= m.score < 100
    assert (m.start, m.end) == (0, 11)


def test_fuzzy_ignores_far_words(linker: CompanyLinker) -> None:
    assert linker.find_mentions("Zetamatics opens a Berlin office") == []


def test_longest_match_wins(linker: CompanyLinker) -> None:
    (m,) = linker.find_mentions("Analysts praise Acme Robotics results")
    assert (m.company_id, m.text) == ("acme-robotics", "Acme Robotics")
    (m,) = linker.find_mentions("Analysts praise Acme results")
    assert (m.company_id, m.text) == ("acme", "Acme")


def test_trailing_legal_form_is_part_of_the_mention(linker: CompanyLinker) -> None:
    (m,) = linker.find_mentions("Analysts praise NVIDIA Corporation results")
    assert (m.company_id, m.method, m.text) == ("nvidia", "exact", "NVIDIA Corporation")


@pytest.mark.parametrize(
    "text",
    [
        "Globexian traders met in Zurich",  # name inside a longer word
        "The preglobex era ended",
        "Boltzmann constants and Nvidias?",  # "Bolt" inside "Boltzmann"
    ],
)
def test_no_match_inside_words(linker: CompanyLinker, text: str) -> None:
    assert "globex" not in ids(linker.find_mentions(text))
    assert "bolt" not in ids(linker.find_mentions(text))


def test_possessive_and_punctuation_boundaries(linker: CompanyLinker) -> None:
    assert ids(linker.find_mentions("Globex's CEO (of Globex) spoke")) == ["globex", "globex"]


def test_common_word_alias_needs_capital(linker: CompanyLinker) -> None:
    assert linker.find_mentions("we met in the town square at noon") == []
    assert linker.find_mentions("they bolt the doors at night") == []
    assert ids(linker.find_mentions("Payments firm Square reported growth")) == ["block"]


def test_common_word_name_inside_longer_capitalised_name(linker: CompanyLinker) -> None:
    # "Square" glued to other capitalised words is part of another name.
    assert linker.find_mentions("He joined Pioneer Square Partners last year") == []


def test_short_alias_is_case_sensitive(linker: CompanyLinker) -> None:
    assert ids(linker.find_mentions("a YC demo day")) == ["y-combinator"]
    assert linker.find_mentions("the yc demo day") == []


def test_amounts_are_not_companies(linker: CompanyLinker) -> None:
    assert linker.find_mentions("Zetalytics raises $3M") == [
        Mention("zetalytics", "Zetalytics", 0, 10, 100.0, "exact", "Zetalytics", "startup", False)
    ]


def test_build_from_dataframe_matches_tuples() -> None:
    frame = pd.DataFrame(REGISTRY, columns=["company_id", "name", "aliases", "kind"])
    text = "Nvidia backs Acme Robotics as ChatGPT grows"
    assert CompanyLinker(frame).find_mentions(text) == CompanyLinker(REGISTRY).find_mentions(text)


# ------------------------------------------------------------- main company


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # subject of a funding verb
        ("Acme Robotics raises $20M Series A to build warehouse arms", "acme-robotics"),
        ("Quillfeather Health lands $8M seed", "quillfeather"),
        ("Globex rival Acme Robotics secures $40 million", "acme-robotics"),
        ("Zetalytics, the data startup, nabs $5M", "zetalytics"),
        # target of an acquisition
        ("Globex acquires Acme Robotics for $1.2B", "acme-robotics"),
        ("Globex to acquire Zetalytics in all-cash deal", "zetalytics"),
        ("Globex snaps up Zetalytics", "zetalytics"),
        ("Acme Robotics is acquired by Globex", "acme-robotics"),
        ("Zetalytics sells itself to Globex", "zetalytics"),
        # investor-first headlines
        ("Nvidia backs Mistral AI in $640M round", "mistral-ai"),
        ("Sequoia leads $50M round in Acme Robotics", "acme-robotics"),
        ("Nvidia invests $100 million in Zetalytics", "zetalytics"),
        # investors named as modifiers are skipped
        ("Sequoia-backed Zetalytics raises $12M", "zetalytics"),
        ("Zetalytics Raises $20 Million Led By Thrive Capital", "zetalytics"),
        ("YC alum Zetalytics raises a seed round", "zetalytics"),
        # a fund story is about the investor
        ("Thrive Capital closes $3B growth fund", "thrive-capital"),
        # no registry company in the role slot: no guess
        ("Globex buys a tiny Dutch startup", None),
        ("Unknownco raises $4M led by Sequoia", None),
        ("Nothing happened here", None),
    ],
)
def test_main_company_by_role(linker: CompanyLinker, title: str, expected: str | None) -> None:
    assert main_id(linker, title) == expected


def test_main_company_reads_body_when_title_has_none(linker: CompanyLinker) -> None:
    body = "Quillfeather Health raised $8 million in a round led by Sequoia. It sells clinic software."
    assert main_id(linker, "A clinic-software startup gets funding", body) == "quillfeather"


def test_main_company_ignores_investor_only_body(linker: CompanyLinker) -> None:
    body = "The round was led by Sequoia. Terms were not disclosed."
    assert main_id(linker, "A clinic-software startup gets funding", body) is None


def test_roles_finds_buyer(linker: CompanyLinker) -> None:
    roles = linker.roles("Globex acquires Acme Robotics for $1.2B")
    assert roles["main"].company_id == "acme-robotics"
    assert roles["acquirer"].company_id == "globex"
    passive = linker.roles("Zetalytics is acquired by Nvidia")
    assert (passive["main"].company_id, passive["acquirer"].company_id) == ("zetalytics", "nvidia")
    assert linker.roles("Zetalytics raises $5M")["acquirer"] is None
