"""find_amounts: money in headlines and ledes, in the original currency."""

from __future__ import annotations

import pytest

from etl.extract.amounts import Money, find_amounts

M = 1_000_000
B = 1_000_000_000

# (text, [(value, currency, raw, floor), ...])
CASES = [
    ("Acme raises $25M for its robot arms", [(25 * M, "USD", "$25M", False)]),
    ("Acme raises $25 million in new funding", [(25 * M, "USD", "$25 million", False)]),
    ("Acme raises $25 Million", [(25 * M, "USD", "$25 Million", False)]),
    ("Borealis closes a US$1.2 billion round", [(1.2 * B, "USD", "US$1.2 billion", False)]),
    ("Borealis secured USD 40m from insurers", [(40 * M, "USD", "USD 40m", False)]),
    ("Paris-based Quillfeather raises €30 million", [(30 * M, "EUR", "€30 million", False)]),
    ("Quillfeather lands EUR 30m", [(30 * M, "EUR", "EUR 30m", False)]),
    ("Quillfeather lands EUR30m", [(30 * M, "EUR", "EUR30m", False)]),
    ("London's Tallowby bags £5m seed round", [(5 * M, "GBP", "£5m", False)]),
    ("Tallowby valued at £1.2bn", [(1.2 * B, "GBP", "£1.2bn", False)]),
    ("Kiranbox raises Rs 100 crore", [(1_000_000_000, "INR", "Rs 100 crore", False)]),
    ("Kiranbox raises Rs. 100 crore", [(1_000_000_000, "INR", "Rs. 100 crore", False)]),
    ("Kiranbox raises INR 50 crore", [(500_000_000, "INR", "INR 50 crore", False)]),
    ("Kiranbox gets ₹50 lakh from angels", [(5_000_000, "INR", "₹50 lakh", False)]),
    ("Kiranbox raises ₹1,200 crore", [(12_000_000_000, "INR", "₹1,200 crore", False)]),
    ("Kiranbox raised Rs 20,00,00,000 in 2019", [(200_000_000, "INR", "Rs 20,00,00,000", False)]),
    ("Kiranbox raised 50 crore rupees", [(500_000_000, "INR", "50 crore rupees", False)]),
    ("青禾科技完成1.2亿元融资", [(120_000_000, "CNY", "1.2亿元", False)]),
    ("Qinghe raises 3亿人民币", [(300_000_000, "CNY", "3亿人民币", False)]),
    ("Qinghe raises 500万美元", [(5 * M, "USD", "500万美元", False)]),
    ("Qinghe raises RMB 300 million", [(300 * M, "CNY", "RMB 300 million", False)]),
    ("Qinghe raises 300 million yuan", [(300 * M, "CNY", "300 million yuan", False)]),
    ("Sakura Robotics raises ¥3 billion", [(3 * B, "JPY", "¥3 billion", False)]),
    ("Qinghe raises ¥3 billion, or 3 billion yuan", [(3 * B, "CNY", "¥3 billion", False),
                                                     (3 * B, "CNY", "3 billion yuan", False)]),
    ("Sakura Robotics raises 3 billion yen", [(3 * B, "JPY", "3 billion yen", False)]),
    ("Sakura Robotics raises 30億円", [(3 * B, "JPY", "30億円", False)]),
    ("Maplewood raises C$40 million", [(40 * M, "CAD", "C$40 million", False)]),
    ("Maplewood raises CA$12 million", [(12 * M, "CAD", "CA$12 million", False)]),
    ("Merlion Pay raises S$15 million", [(15 * M, "SGD", "S$15 million", False)]),
    ("Wattle raises A$8m", [(8 * M, "AUD", "A$8m", False)]),
    ("Harbourline raises HK$100 million", [(100 * M, "HKD", "HK$100 million", False)]),
    ("Alpenglow raises CHF 20 million", [(20 * M, "CHF", "CHF 20 million", False)]),
    ("Stockholm's Norrsken Labs raises SEK 200 million", [(200 * M, "SEK", "SEK 200 million", False)]),
    ("Stockholm-based Fjallbo raises kr 200 million", [(200 * M, "SEK", "kr 200 million", False)]),
    ("Oslo-based Fjordly raises kr 50 million", [(50 * M, "NOK", "kr 50 million", False)]),
    ("Fjallbo raises kr 200 million", [(200 * M, None, "kr 200 million", False)]),
    ("Hangang AI raises ₩5 billion", [(5 * B, "KRW", "₩5 billion", False)]),
    ("Hangang AI raises 5 billion won", [(5 * B, "KRW", "5 billion won", False)]),
    ("Negev Sensors raises ₪20 million", [(20 * M, "ILS", "₪20 million", False)]),
    ("Ipanema Pay raises R$50 million", [(50 * M, "BRL", "R$50 million", False)]),
    ("Acme raises $500k", [(500_000, "USD", "$500k", False)]),
    ("Acme raises $5K on a crowdfunding site", [(5_000, "USD", "$5K", False)]),
    ("Acme raises $2MM", [(2 * M, "USD", "$2MM", False)]),
    ("Acme raises $3B", [(3 * B, "USD", "$3B", False)]),
    ("Acme raises $1.5bn", [(1.5 * B, "USD", "$1.5bn", False)]),
    ("Acme raises $750,000", [(750_000, "USD", "$750,000", False)]),
    ("Acme raises $2.41M seed round", [(2.41 * M, "USD", "$2.41M", False)]),
    ("Acme raises $500 thousand", [(500_000, "USD", "$500 thousand", False)]),
    ("Acme raises $25-million round", [(25 * M, "USD", "$25-million", False)]),
    ("Acme raises half a billion dollars", [(0.5 * B, "USD", "half a billion dollars", False)]),
    ("Acme raises a million dollars", [(1 * M, "USD", "a million dollars", False)]),
    ("Acme raised 40 million euros", [(40 * M, "EUR", "40 million euros", False)]),
    ("Acme is raising another couple billion, at a $60 billion valuation",
     [(2 * B, "USD", "couple billion", False), (60 * B, "USD", "$60 billion", False)]),
    ("Acme raised more than $40 million", [(40 * M, "USD", "$40 million", True)]),
    ("Acme raised over $5M", [(5 * M, "USD", "$5M", True)]),
    ("Acme raised upwards of €3m", [(3 * M, "EUR", "€3m", True)]),
    ("Acme raised at least $20 million", [(20 * M, "USD", "$20 million", True)]),
    ("Acme raised nearly $30 million", [(30 * M, "USD", "$30 million", False)]),
    ("Acme is valued at $1 billion+", [(1 * B, "USD", "$1 billion+", True)]),
    ("Acme raised $10-15 million", [(10 * M, "USD", "$10-15 million", False)]),
    ("Acme raised €1,5 million", [(1.5 * M, "EUR", "€1,5 million", False)]),
    ("Acme raised Rs 100 crore ($12 million)", [(1_000_000_000, "INR", "Rs 100 crore", False),
                                                 (12 * M, "USD", "$12 million", False)]),
    ("Acme priced shares at $16.39", [(16.39, "USD", "$16.39", False)]),
    ("Acme raises 3 billion to expand", [(3 * B, None, "3 billion", False)]),
    ("Acme raised $5,000, up from $750, a year ago", [(5_000, "USD", "$5,000", False), (750, "USD", "$750", False)]),
]

NEGATIVES = [
    "Acme was founded in 2015 and hired 200 people in 2016",
    "Acme grew revenue 45% last year",
    "Acme grew revenue 45 percent last year",
    "Acme raises a Series B",
    "Acme Capital closes Fund III",
    "A 25-year-old founder started Acme",
    "The 25 year old founder is 25 years old",
    "Acme now has 2 million users",
    "Acme serves 3,000 customers in 12 countries",
    "The A380 and B2B software market",
    "The multi-billion-dollar athleisure market",
    "A billion-dollar idea from a 10-minute pitch",
    "Acme won 5 awards",
    "R2-D2 is a robot",
    "Acme ranked No. 1 on the list of 50 startups",
    "The GPT4 model and the 5G network",
    "Acme shipped 1,2,3 units",
    "",
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_find_amounts(text: str, expected: list[tuple]) -> None:
    found = find_amounts(text)
    got = [(m.value, m.currency, m.raw, m.floor) for m in found]
    assert len(got) == len(expected), got
    for (value, cur, raw, floor), (ev, ecur, eraw, efloor) in zip(got, expected, strict=True):
        assert value == pytest.approx(ev, rel=1e-12)
        assert (cur, raw, floor) == (ecur, eraw, efloor)


@pytest.mark.parametrize("text", NEGATIVES)
def test_non_amounts_are_ignored(text: str) -> None:
    assert find_amounts(text) == []


def test_span_points_at_the_text() -> None:
    text = "Acme, a Paris-based startup, raises €30 million led by Foo"
    (m,) = find_amounts(text)
    assert text[m.start:m.end] == "€30 million" == m.raw
    assert isinstance(m, Money)


def test_money_is_frozen() -> None:
    (m,) = find_amounts("$5M")
    with pytest.raises(AttributeError):
        m.value = 1.0  # type: ignore[misc]


def test_floor_words_are_not_in_the_span() -> None:
    text = "Acme raised more than $40 million"
    (m,) = find_amounts(text)
    assert m.start == text.index("$")
