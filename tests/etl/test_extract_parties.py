"""find_company, find_investors, find_acquirer, find_valuation on invented sentences."""

from __future__ import annotations

import pytest

from etl.extract.parties import find_acquirer, find_company, find_investors, find_valuation

COMPANY = [
    ("Acme raises $12M for its payroll app", "Acme"),
    ("Paris-based Quillfeather raises €30 million", "Quillfeather"),
    ("YC-backed Lintwise lands $4M seed", "Lintwise"),
    ("AI startup Borealis Labs secures $20M Series A", "Borealis Labs"),
    ("fintech Kestrel nabs $8M", "Kestrel"),
    ("Sweden's Norrsken Robotics snags $15M", "Norrsken Robotics"),
    ("Ottawa's Maplewood bags C$40 million", "Maplewood"),
    ("Kestrel's payments app rakes in $50M", "Kestrel"),
    ("Kestrel's lending arm rakes in $50M", None),  # an unnamed unit: the body must name it
    ("Tallowby, a London payments startup, raises £5m", "Tallowby"),
    ("Tallowby, the startup that pays freelancers early, scores $9M", "Tallowby"),
    ("Tackling the tangled freight market, Nimbus Freight raises $22M", "Nimbus Freight"),
    ("Acme Health is said to be raising at a $2B valuation", "Acme Health"),
    ("Acme closes $16 million Series B led by Foo Ventures", "Acme"),
    ("Acme adds $15M to its Series A", "Acme"),
    ("Acme extends seed round with $3M", "Acme"),
    ("Acme tops up Series B with $10M", "Acme"),
    ("Rent the Runway Robots raises $30M", "Rent the Runway Robots"),
    ("Cybersecurity Firm Ironlatch Raises $66M", "Ironlatch"),
    ("Urban Logistics Startup Parcelio Lands $10M To Expand", "Parcelio"),
    ("Nvidia backs robotics startup Gripforce", "Gripforce"),
    ("Foo Ventures leads $40M Series B in Quietwave", "Quietwave"),
    ("Foo Capital invests in Germany's Cliffside, a search app", "Cliffside"),
    ("Orbitco acquires satellite startup Starling Optics for $350M", "Starling Optics"),
    ("Orbitco to acquire Starling Optics", "Starling Optics"),
    ("Starling Optics is acquired by Orbitco", "Starling Optics"),
    ("Orbitco reportedly in acquisition talks with Starling Optics", "Starling Optics"),
    ("Orbitco buys Starling Optics, adding lasers to its lineup", "Starling Optics"),
    ("Acme files for IPO", "Acme"),
    ("Acme shares jump 40% in Nasdaq debut", "Acme"),
    ("Acme lays off 14% of staff", "Acme"),
    ("Foo Ventures closes $650M early-stage fund", "Foo Ventures"),
    ("Hangzhou scooter start-up raises 5000万元", None),
    ("Acme launches a new podcast app", None),
    ("Acme raises prices for its premium plan", None),
]


@pytest.mark.parametrize("title,expected", COMPANY, ids=[c[0][:40] for c in COMPANY])
def test_find_company_in_title(title: str, expected: str | None) -> None:
    span = find_company(title, "")
    assert (span.text if span else None) == expected
    if span:
        assert title[span.start:span.end] == span.text
        assert span.source == "title"


def test_company_from_body_when_title_names_none() -> None:
    title = "Manchester cyber start-up lands £3m seed round"
    body = ("Ironlatch, a Manchester company that watches small firms' email accounts, has raised £3m "
            "in a seed round led by a northern venture fund. The firm employs 18 people.")
    span = find_company(title, body)
    assert span is not None and span.text == "Ironlatch" and span.source == "body"
    assert body[span.start:span.end] == "Ironlatch"


def test_company_pronoun_in_body_resolves_to_sentence_subject() -> None:
    body = ("LONDON, March 3 (Newswire) - Tallowby, a payments company, said on Tuesday it had raised "
            "$40 million in a Series C round.")
    span = find_company("Payments firm raises $40 million", body)
    assert span is not None and span.text == "Tallowby"


INVESTORS = [
    ("Acme raises $20M led by Foo Ventures", ["Foo Ventures"]),
    ("Acme raises $20M Series B led by Foo Ventures, with participation from Bar Capital, Baz and Qux Partners",
     ["Foo Ventures", "Bar Capital", "Baz", "Qux Partners"]),
    ("Acme raises $9.3M from Numbat, Draper Fields and Balderwood", ["Numbat", "Draper Fields", "Balderwood"]),
    ("Acme Snags $40M From Index Hill, Benchmark Row, Others", ["Index Hill", "Benchmark Row"]),
    ("Acme raises $2M from investors including Foo Ventures and Bar Capital", ["Foo Ventures", "Bar Capital"]),
    ("Acme is backed by Foo Ventures", ["Foo Ventures"]),
    ("Foo Ventures led the round, and Bar Capital also participated", ["Foo Ventures", "Bar Capital"]),
    ("Foo Ventures and Bar Capital back Acme", ["Foo Ventures", "Bar Capital"]),
    ("Acme raises $20M from Pat Doe's Valar Fields to expand", ["Valar Fields"]),
    ("Acme Raises $1.5 Million From Top VCs To Build Apps", []),
    ("Acme raises $155M from investors", []),
    ("Acme raises $5M from his old backers", []),
    ("Acme raised $5M led by existing investor Foo Ventures", ["Foo Ventures"]),
    ("Acme raises $5M. Foo Ventures and Foo Ventures Partners also participated", ["Foo Ventures Partners"]),
]


@pytest.mark.parametrize("text,expected", INVESTORS, ids=[c[0][:40] for c in INVESTORS])
def test_find_investors(text: str, expected: list[str]) -> None:
    spans = find_investors(text)
    assert [s.text for s in spans] == expected
    for s in spans:
        assert text[s.start:s.end] == s.text


ACQUIRER = [
    ("Orbitco acquires satellite startup Starling Optics for $350M", "Orbitco"),
    ("Orbitco to acquire Starling Optics", "Orbitco"),
    ("Starling Optics is acquired by Orbitco", "Orbitco"),
    ("Khosla-backed Lintwise acquired by search company Findlo", "Findlo"),
    ("Orbitco reportedly in acquisition talks with Starling Optics", "Orbitco"),
    ("Orbitco's $1.2B acquisition of Starling Optics clears review", "Orbitco"),
    ("Quickpay and Paylane merge as rivals consolidate", "Quickpay"),
    ("Nordco Closes Its $2.8B Sale Of Mapworks To The Carmakers Consortium", "Carmakers Consortium"),
    ("If Orbitco buys Starling Optics, expect price rises", "Orbitco"),
    ("Acme raises $20M", None),
]


@pytest.mark.parametrize("title,expected", ACQUIRER, ids=[c[0][:40] for c in ACQUIRER])
def test_find_acquirer(title: str, expected: str | None) -> None:
    span = find_acquirer(title, "")
    assert (span.text if span else None) == expected


VALUATION = [
    ("Acme raises $50M at a $1.5B valuation", 1.5e9, "USD"),
    ("Acme raises $50M at an $800M valuation", 800e6, "USD"),
    ("Acme, valued at $2 billion, raises more", 2e9, "USD"),
    ("Acme raises €20m at a valuation of €300m", 300e6, "EUR"),
    ("Acme raised $100M, valuing it at $1.2 billion", 1.2e9, "USD"),
    ("Acme raises $75 million at $1 billion+ valuation", 1e9, "USD"),
]


@pytest.mark.parametrize("text,value,currency", VALUATION, ids=[c[0][:40] for c in VALUATION])
def test_find_valuation(text: str, value: float, currency: str) -> None:
    money = find_valuation(text)
    assert money is not None
    assert (money.value, money.currency) == (pytest.approx(value), currency)


def test_no_valuation() -> None:
    assert find_valuation("Acme raises $50M Series C") is None
