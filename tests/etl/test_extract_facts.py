"""extract_facts: title first, body as fallback and complement, with evidence spans."""

from __future__ import annotations

import json
from datetime import date

import pytest

from etl.extract import DealFacts, Evidence, extract_facts

DAY = date(2020, 3, 2)
EUR_USD_2020_03_02 = 1.1122  # ECB reference rate read once from the bundled data


def _ev(facts: DealFacts, field: str) -> Evidence:
    (ev,) = [e for e in facts.evidence if e.field == field][:1]
    return ev


def test_headline_round() -> None:
    f = extract_facts("Acme Health raises $120M Series B at $1.5B valuation", "", DAY)
    assert (f.company, f.amount, f.currency, f.amount_usd) == ("Acme Health", 120e6, "USD", 120e6)
    assert (f.round_stage, f.valuation_usd, f.investors, f.acquirer) == ("series_b", 1.5e9, [], None)
    assert f.deal_kind == "funding_round" and f.amount_floor is False
    ev = _ev(f, "amount")
    assert (ev.source, ev.text) == ("title", "$120M")


def test_round_without_stage_is_undisclosed() -> None:
    f = extract_facts("Acme raises $8M to build tiny satellites", "", DAY)
    assert f.round_stage == "undisclosed"


def test_euro_round_converted_on_the_article_date() -> None:
    f = extract_facts("Paris-based Quillfeather raises €30 million", "", DAY)
    assert (f.company, f.amount, f.currency) == ("Quillfeather", 30e6, "EUR")
    assert f.amount_usd == pytest.approx(30e6 * EUR_USD_2020_03_02, rel=1e-12)
    assert f.flags == []


def test_no_date_flags_rate_fallback() -> None:
    f = extract_facts("Quillfeather raises €30 million", "")
    assert "rate_date_fallback" in f.flags and f.amount_usd is not None


def test_unsupported_currency_is_flagged_not_guessed() -> None:
    f = extract_facts("Lagos fintech Paystride raises ₦5 billion", "", DAY)
    assert (f.amount, f.currency, f.amount_usd) == (5e9, "NGN", None)
    assert "unsupported_currency" in f.flags


def test_floor_amount() -> None:
    f = extract_facts("Acme raises more than $40 million", "", DAY)
    assert (f.amount, f.amount_floor) == (40e6, True)


def test_investors_lead_first_title_and_body() -> None:
    title = "Acme lands $20M Series A led by Foo Ventures"
    body = ("Acme, a Berlin-based maker of warehouse robots, said the round was led by Foo Ventures, "
            "with participation from Bar Capital and Baz Partners.")
    f = extract_facts(title, body, DAY)
    assert f.investors == ["Foo Ventures", "Bar Capital", "Baz Partners"]
    sources = [e.source for e in f.evidence if e.field == "investors"]
    assert sources == ["title", "body", "body"]


def test_body_fills_what_the_title_leaves_out() -> None:
    title = "Manchester cyber start-up lands seed round"
    body = ("MANCHESTER, May 4 (Newswire) - Ironlatch, a company that watches small firms' email accounts, "
            "has raised £3m in a seed round led by Northbank Seed. It employs 18 people.")
    f = extract_facts(title, body, DAY)
    assert (f.company, f.amount, f.currency, f.round_stage) == ("Ironlatch", 3e6, "GBP", "seed")
    assert f.investors == ["Northbank Seed"]
    assert "company_from_body" in f.flags and "amount_from_body" in f.flags
    ev = _ev(f, "company")
    assert ev.source == "body" and body[ev.start:ev.end] == "Ironlatch"


def test_bracketed_conversion_is_not_the_amount() -> None:
    title = "Bengaluru's Kiranbox raises Rs 100 crore ($12 million) in Series B"
    f = extract_facts(title, "", DAY)
    assert (f.company, f.amount, f.currency, f.round_stage) == ("Kiranbox", 1e9, "INR", "series_b")


def test_valuation_in_body() -> None:
    title = "Acme raises $300 million"
    body = "Acme raised $300 million in a round led by Foo Ventures, valuing the company at $2.7 billion."
    f = extract_facts(title, body, DAY)
    assert (f.amount, f.valuation_usd) == (300e6, 2.7e9)


def test_acquisition() -> None:
    f = extract_facts("Orbitco acquires satellite startup Starling Optics for $350M", "", DAY)
    assert (f.deal_kind, f.company, f.acquirer, f.amount) == ("acquisition", "Starling Optics", "Orbitco", 350e6)
    assert f.round_stage is None and f.investors == []


def test_passive_acquisition() -> None:
    f = extract_facts("Khosla-backed Lintwise acquired by search company Findlo", "", DAY)
    assert (f.company, f.acquirer, f.investors) == ("Lintwise", "Findlo", [])


def test_vc_fund_has_no_round_stage() -> None:
    f = extract_facts("Foo Ventures raises $400 million for its 12th fund", "", DAY)
    assert (f.deal_kind, f.company, f.amount, f.round_stage) == ("vc_fund", "Foo Ventures", 400e6, None)


def test_ipo() -> None:
    f = extract_facts("Acme raises $1.1 billion in New York IPO", "", DAY)
    assert (f.deal_kind, f.company, f.amount, f.round_stage) == ("ipo", "Acme", 1.1e9, None)


def test_investor_first_headline() -> None:
    f = extract_facts("Nvidia backs robotics startup Gripforce in $50M round", "", DAY)
    assert (f.company, f.amount, f.investors) == ("Gripforce", 50e6, ["Nvidia"])


def test_not_a_deal() -> None:
    f = extract_facts("Acme launches a new podcast app", "", DAY)
    assert f.deal_kind is None and f.company is None and f.amount is None


def test_signal_hint_decides_which_facts_apply() -> None:
    f = extract_facts("Acme raises $10M", "", DAY, signal="none")
    assert f.company is None and f.amount is None
    f = extract_facts("Acme raises $10M", "", DAY, signal="funding_round")
    assert (f.company, f.round_stage) == ("Acme", "undisclosed")


def test_title_amount_missing_from_body_is_flagged() -> None:
    f = extract_facts("Acme raises $60M Series B", "Acme has raised $65 million in a Series B round.", DAY)
    assert f.amount == 60e6 and "title_amount_not_in_body" in f.flags


def test_as_row_is_flat() -> None:
    f = extract_facts("Acme lands $20M Series A led by Foo Ventures and Bar Capital", "", DAY)
    row = f.as_row()
    assert row["investors"] == "Foo Ventures; Bar Capital"
    assert row["company"] == "Acme" and row["round_stage"] == "series_a"
    evidence = json.loads(row["evidence"])
    assert {e["field"] for e in evidence} >= {"company", "amount", "round_stage", "investors"}
    assert all(isinstance(v, (str, int, float, bool, type(None))) for v in row.values())


def test_every_evidence_span_matches_its_source() -> None:
    title = "Acme lands $20M Series A led by Foo Ventures at a $100M valuation"
    body = "Acme said Bar Capital also participated."
    f = extract_facts(title, body, DAY)
    for ev in f.evidence:
        src = title if ev.source == "title" else body
        assert src[ev.start:ev.end] == ev.text


def test_empty_input() -> None:
    f = extract_facts("", "", None)
    assert f == DealFacts()
