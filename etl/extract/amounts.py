"""Find money amounts in headline and article text.

Amounts are anchored on a digit (or on a scale word such as "million" for
amounts written in words) and then widened to the left (currency prefix,
"more than") and to the right (scale, currency suffix). A number counts as
money only when a currency marker is attached, or when it carries a scale
("3 billion") right after a money verb ("raising another couple billion");
such bare amounts take the currency of the other amounts in the text when
they all agree, else ``None``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from etl.extract.textscan import ci, fold

logger = logging.getLogger(__name__)

__all__ = ["Money", "find_amounts"]


@dataclass(frozen=True, slots=True)
class Money:
    """One amount of money found in a text."""

    value: float  # in units of the original currency
    currency: str | None  # ISO 4217, None when undecidable
    start: int
    end: int
    floor: bool  # "more than $X", "at least $X", "$X+"
    raw: str


_SCALES: dict[str, Decimal] = {
    "thousand": Decimal(10) ** 3, "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6, "mln": Decimal(10) ** 6, "mn": Decimal(10) ** 6,
    "mil": Decimal(10) ** 6, "m": Decimal(10) ** 6, "mm": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9, "bln": Decimal(10) ** 9, "bn": Decimal(10) ** 9, "b": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12, "tn": Decimal(10) ** 12, "t": Decimal(10) ** 12,
    "lakh": Decimal(10) ** 5, "lakhs": Decimal(10) ** 5, "lac": Decimal(10) ** 5, "lacs": Decimal(10) ** 5,
    "crore": Decimal(10) ** 7, "crores": Decimal(10) ** 7, "cr": Decimal(10) ** 7,
    "千": Decimal(10) ** 3, "万": Decimal(10) ** 4, "萬": Decimal(10) ** 4, "만": Decimal(10) ** 4,
    "百万": Decimal(10) ** 6, "百萬": Decimal(10) ** 6, "千万": Decimal(10) ** 7, "千萬": Decimal(10) ** 7,
    "亿": Decimal(10) ** 8, "億": Decimal(10) ** 8, "억": Decimal(10) ** 8,
    "兆": Decimal(10) ** 12, "조": Decimal(10) ** 12,
}
# Scales that make a bare number (no currency marker) plausible money.
_BIG_SCALES = frozenset(
    ["million", "mln", "mn", "billion", "bln", "bn", "trillion", "tn", "crore", "crores",
     "lakh", "lakhs", "万", "萬", "亿", "億", "억", "百万", "千万", "兆", "조"]
)

# Currency markers: value is an ISO code, or a '*' token resolved from context.
_PREFIX_CUR: dict[str, str] = {
    "US$": "USD", "U.S.$": "USD", "U.S. $": "USD", "USD": "USD", "$": "$",
    "C$": "CAD", "CA$": "CAD", "CAN$": "CAD", "CDN$": "CAD", "CAD": "CAD",
    "A$": "AUD", "AU$": "AUD", "AUD": "AUD", "NZ$": "NZD", "NZD": "NZD",
    "HK$": "HKD", "HKD": "HKD", "S$": "SGD", "SG$": "SGD", "SGD": "SGD",
    "MX$": "MXN", "MXN": "MXN", "R$": "BRL", "BRL": "BRL", "NT$": "TWD", "TWD": "TWD",
    "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP",
    "₹": "INR", "Rs": "RS*", "Rs.": "RS*", "INR": "INR",
    "RMB": "CNY", "CNY": "CNY", "¥": "YEN*", "￥": "YEN*", "JPY": "JPY",
    "CHF": "CHF", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK", "kr": "KR*", "kr.": "KR*",
    "₩": "KRW", "KRW": "KRW", "₪": "ILS", "ILS": "ILS", "NIS": "ILS",
    "₦": "NGN", "NGN": "NGN", "₱": "PHP", "PHP": "PHP", "₽": "RUB", "RUB": "RUB",
    "₺": "TRY", "TRY": "TRY", "ZAR": "ZAR", "R": "ZAR", "AED": "AED", "SAR": "SAR",
    "IDR": "IDR", "Rp": "IDR", "Rp.": "IDR", "MYR": "MYR", "RM": "MYR", "THB": "THB", "฿": "THB",
    "VND": "VND", "₫": "VND", "PKR": "PKR", "PLN": "PLN", "CZK": "CZK", "HUF": "HUF",
    "EGP": "EGP", "KES": "KES",
}
# Prefixes that are ordinary words or names too: only money with a scale after them.
_PREFIX_NEEDS_SCALE = frozenset(["R", "RM", "Rp", "Rp.", "PHP", "TRY", "SAR", "kr", "kr."])

_SUFFIX_CUR: dict[str, str] = {
    "dollar": "$", "dollars": "$", "us dollars": "USD", "u.s. dollars": "USD",
    "canadian dollars": "CAD", "australian dollars": "AUD", "singapore dollars": "SGD",
    "hong kong dollars": "HKD", "new zealand dollars": "NZD", "taiwan dollars": "TWD",
    "euro": "EUR", "euros": "EUR", "pounds": "GBP", "pounds sterling": "GBP", "sterling": "GBP",
    "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "rupees": "RS*", "rupee": "RS*",
    "won": "KRW", "shekels": "ILS", "new shekels": "ILS", "shekel": "ILS",
    "reais": "BRL", "reals": "BRL", "real": "BRL", "swiss francs": "CHF", "francs": "CHF",
    "kronor": "SEK", "krona": "SEK", "swedish kronor": "SEK", "norwegian kroner": "NOK",
    "danish kroner": "DKK", "kroner": "KRONER*", "krone": "KRONER*",
    "rand": "ZAR", "naira": "NGN", "ringgit": "MYR", "baht": "THB", "rupiah": "IDR",
    "pesos": "PESO*", "dirhams": "AED", "riyals": "SAR", "lira": "TRY", "zloty": "PLN",
    "元": "CNY", "人民币": "CNY", "美元": "USD", "日元": "JPY", "円": "JPY", "원": "KRW",
    "港元": "HKD", "港币": "HKD", "欧元": "EUR", "英镑": "GBP", "韩元": "KRW",
}
_ISO_SUFFIX = ("USD|EUR|GBP|JPY|CNY|RMB|INR|CAD|AUD|SGD|HKD|CHF|SEK|NOK|DKK|KRW|ILS|BRL|ZAR|"
               "NZD|MXN|TWD")
# Suffix words that are also common English words: need a scale before them.
_SUFFIX_NEEDS_SCALE = frozenset(["won", "real", "rand", "lira", "dollar", "euro", "krone", "rupee", "shekel"])

_SUFFIX_WORDS = sorted((k for k in _SUFFIX_CUR if k.isascii()), key=len, reverse=True)
_CJK_SUFFIX = sorted((k for k in _SUFFIX_CUR if not k.isascii()), key=len, reverse=True)

_NUM_RE = re.compile(
    r"(?P<num>\d\d*(?:,\d+)*(?:\.\d+)?)"
    r"(?:[ \u00a0]?-?(?P<w>(?i:thousand|million|mln|mn|mil|billion|bln|bn|trillion|tn|lakhs?|lacs?|crores?|cr))"
    r"(?![A-Za-z])"
    r"|(?P<l>MM|[kKmMbBT])(?![A-Za-z0-9])"
    r"|[ \u00a0](?P<l2>MM|[KMB])(?![A-Za-z0-9&'’])"
    r"|(?P<cjk>千万|千萬|百万|百萬|万|萬|亿|億|억|만|兆|조|千))?"
    r"(?P<plus>\+|[ -]plus\b)?"
    r"(?:[ \u00a0]?(?P<cs>" + "|".join(map(re.escape, _CJK_SUFFIX)) + r")"
    r"|[ \u00a0]+(?P<sw>(?i:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _SUFFIX_WORDS)
    + r"))(?![A-Za-z])"
    r"|[ \u00a0]+(?P<iso>" + _ISO_SUFFIX + r")(?![A-Za-z]))?"
)
_PREFIX_RE = re.compile(
    r"(?:(?<![A-Za-z])(?P<code>USD|EUR|GBP|INR|RMB|CNY|JPY|CHF|SEK|NOK|DKK|KRW|ILS|NIS|NGN|PHP|RUB|"
    r"TRY|ZAR|AED|SAR|IDR|MYR|THB|VND|PKR|PLN|CZK|HUF|CAD|AUD|NZD|HKD|SGD|MXN|BRL|TWD|EGP|KES|"
    r"Rs\.?|Rp\.?|RM|kr\.?|R)"
    r"|(?P<sym>US\$|U\.S\.\s?\$|CAN\$|CDN\$|CA\$|C\$|AU\$|A\$|NZ\$|HK\$|SG\$|S\$|MX\$|R\$|NT\$|\$|€|£|₹|¥|￥|₩|₪|₦|₱|₽|₺|₫|฿))"
    r"[ \u00a0]?$"
)
_FLOOR_RE = ci(r"\b(?:more\s+than|over|upwards\s+of|at\s+least|north\s+of|in\s+excess\s+of)\s+$")
_MONEY_CONTEXT_RE = ci(
    r"(?:\brais(?:e|es|ed|ing)|\bsecur(?:e|es|ed|ing)|\bland(?:s|ed)?|\bbag(?:s|ged)?|\bnet(?:s|ted)?"
    r"|\bnab(?:s|bed)?|\bsnag(?:s|ged)?|\bclos(?:e|es|ed|ing)|\bvalued\s+at|\bvaluation\s+of|\bworth"
    r"|\binvestment\s+of|\binjection\s+of|\bfunding\s+of|\bround\s+of)"
    r"\s+(?:(?:a|an|another|additional|further|nearly|about|around|roughly|some|up\s+to|over|more\s+than"
    r"|at\s+least|almost|approximately|its|an\s+additional)\s+)*$"
)
_AFTER_BARE_OK_RE = ci(
    r"(?:\s*$|\s*[,.;:)\]!?—–]|\s+(?:in|at|from|for|to|round|funding|financing|investment|series|seed"
    r"|led|as|and|with|valuation|deal|loan|fund|dollars?)\b)"
)
_RANGE_TAIL_RE = re.compile(
    r"\s?(?:-|–|to)\s?\d+(?:\.\d+)?\s?-?((?i:thousand|million|billion|trillion|crores?|lakhs?|bn|mn)(?![A-Za-z])"
    r"|MM|[kKmMbB](?![A-Za-z0-9]))"
)
_RANGE_GAP_RE = re.compile(r"^\s*(?:-|–|to|or|and)\s*$")
_CONVERSION_GAP_RE = re.compile(r"^\s*[(\[]\s*(?:about|around|roughly|approximately|approx\.?|nearly|some|~|≈)?\s*$")

_WORD_SCALE_RE = ci(r"(?<![\w-])(thousand|million|billion|trillion|crore|lakh)(?![\w-])")
_WORD_NUM_RE = ci(
    r"(?<![\w$€£])(half\s+a|a\s+half|a\s+quarter(?:\s+of\s+a)?|a\s+couple(?:\s+of)?|couple(?:\s+of)?"
    r"|one\s+and\s+a\s+half|(?:a|one|two|three|five)\s+hundred|an?|one|two|three|four|five|six|seven|eight"
    r"|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\s+$"
)
_WORD_SUFFIX_RE = ci(
    r"[ \u00a0]+(" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _SUFFIX_WORDS) + r")(?![A-Za-z])"
)
_WORD_VALUES: dict[str, Decimal] = {
    "half a": Decimal("0.5"), "a half": Decimal("0.5"), "a quarter": Decimal("0.25"),
    "a quarter of a": Decimal("0.25"), "a couple": Decimal(2), "a couple of": Decimal(2),
    "couple": Decimal(2), "couple of": Decimal(2), "one and a half": Decimal("1.5"),
    "a hundred": Decimal(100), "one hundred": Decimal(100), "two hundred": Decimal(200),
    "three hundred": Decimal(300), "five hundred": Decimal(500), "a": Decimal(1), "an": Decimal(1),
    "one": Decimal(1), "two": Decimal(2), "three": Decimal(3), "four": Decimal(4), "five": Decimal(5),
    "six": Decimal(6), "seven": Decimal(7), "eight": Decimal(8), "nine": Decimal(9), "ten": Decimal(10),
    "eleven": Decimal(11), "twelve": Decimal(12), "fifteen": Decimal(15), "twenty": Decimal(20),
    "thirty": Decimal(30), "forty": Decimal(40), "fifty": Decimal(50), "sixty": Decimal(60),
    "seventy": Decimal(70), "eighty": Decimal(80), "ninety": Decimal(90),
}

_YUAN_CTX_RE = re.compile(r"(?i)\b(?:yuan|renminbi|rmb|cny)\b|人民币|(?<![美日港欧韩])元")
_KR_CTX = (
    (re.compile(r"(?i)\b(?:swed|stockholm|gothenburg|malm[öo]|uppsala)"), "SEK"),
    (re.compile(r"(?i)\b(?:norw|oslo|bergen|trondheim)"), "NOK"),
    (re.compile(r"(?i)\b(?:dan(?:ish|e)|denmark|copenhagen|aarhus)"), "DKK"),
    (re.compile(r"(?i)\b(?:iceland|reykjav)"), "ISK"),
)
_RS_CTX = (
    (re.compile(r"(?i)\b(?:pakistan|karachi|lahore|islamabad|pkr)\b"), "PKR"),
    (re.compile(r"(?i)\b(?:sri\s+lanka|colombo|lkr)\b"), "LKR"),
    (re.compile(r"(?i)\b(?:nepal|kathmandu|npr)\b"), "NPR"),
)
_PESO_CTX = (
    (re.compile(r"(?i)\b(?:mexic|monterrey|guadalajara)"), "MXN"),
    (re.compile(r"(?i)\b(?:philippin|filipino|manila)"), "PHP"),
    (re.compile(r"(?i)\b(?:argentin|buenos\s+aires)"), "ARS"),
    (re.compile(r"(?i)\b(?:colombia|bogot)"), "COP"),
    (re.compile(r"(?i)\b(?:chile|santiago)"), "CLP"),
)


def _by_context(text: str, rules: tuple, default: str | None) -> str | None:
    for rx, code in rules:
        if rx.search(text):
            return code
    return default


def _resolve(token: str, text: str) -> str | None:
    """Turn a currency token into an ISO code, reading the text for context."""
    if token == "$":
        return "USD"
    if token == "YEN*":
        return "CNY" if _YUAN_CTX_RE.search(text) else "JPY"
    if token == "RS*":
        return _by_context(text, _RS_CTX, "INR")
    if token == "KR*":
        return _by_context(text, _KR_CTX, None)
    if token == "KRONER*":
        return _by_context(text, _KR_CTX[1:3], None)
    if token == "PESO*":
        return _by_context(text, _PESO_CTX, None)
    return token


def _parse_number(num: str, has_scale: bool) -> Decimal | None:
    """Parse digits with western ("1,200,000") or Indian ("20,00,00,000") grouping."""
    if "," in num:
        head, _, frac = num.partition(".")
        groups = head.split(",")
        western = all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
        indian = (len(groups[-1]) == 3 and all(len(g) == 2 for g in groups[1:-1])
                  and 1 <= len(groups[0]) <= 2)
        if western or indian:
            num = "".join(groups) + ("." + frac if frac else "")
        elif len(groups) == 2 and len(groups[1]) <= 2 and not frac and has_scale:
            num = groups[0] + "." + groups[1]  # European decimal comma: "€1,5 million"
        else:
            return None
    try:
        return Decimal(num)
    except InvalidOperation:
        return None


def _bare_ok(text: str, start: int, end: int) -> bool:
    """A number without currency is money only right after a money verb and before no noun."""
    return bool(_MONEY_CONTEXT_RE.search(fold(text), max(0, start - 48), start)
                and _AFTER_BARE_OK_RE.match(fold(text), end))


def _numeric(text: str) -> list[tuple[int, int, Decimal, str | None, bool, bool, str | None]]:
    """(start, end, value, currency token, floor, has_scale, scale) for numbers with digits."""
    out = []
    for m in _NUM_RE.finditer(text):
        s, e = m.start(), m.end()
        if s > 0 and text[s - 1] in "0123456789.,":
            continue  # the tail of a number that did not parse
        scale = m.group("w") or m.group("l") or m.group("l2") or m.group("cjk")
        skey = scale.lower() if scale and scale.isascii() else scale
        value = _parse_number(m.group("num"), scale is not None)
        if value is None:
            continue
        pre = _PREFIX_RE.search(text, max(0, s - 8), s)
        token = None
        start = s
        if pre:
            ptxt = pre.group("code") or pre.group("sym")
            if ptxt in _PREFIX_NEEDS_SCALE and scale is None:
                pre = None
            else:
                token = _PREFIX_CUR.get(ptxt) or _PREFIX_CUR.get(ptxt.replace(" ", ""), "USD")
                start = pre.start()
        if pre is None and s > 0 and ((text[s - 1].isascii() and text[s - 1].isalpha()) or text[s - 1] in "$€£¥₹"):
            continue  # glued to a word: "A380", "B2B", "GPT4"
        e = m.end()
        if scale is None and token is not None:
            rng = _RANGE_TAIL_RE.match(text, e)
            if rng:  # "$10-15 million": keep the lower bound, take the scale of the upper one
                scale = rng.group(1)
                skey = scale.lower()
                e = rng.end()
        if m.group("iso"):
            stoken: str | None = "CNY" if m.group("iso") == "RMB" else m.group("iso")
        elif m.group("sw"):
            sfx = " ".join(m.group("sw").lower().split())
            stoken = None if sfx in _SUFFIX_NEEDS_SCALE and scale is None else _SUFFIX_CUR[sfx]
            if stoken is None:
                e = _end_before_suffix(m)
        elif m.group("cs"):
            stoken = _SUFFIX_CUR[m.group("cs")]
        else:
            stoken = None
        # "$" + "Canadian dollars", "¥" + "yuan": the suffix is the more precise marker.
        if stoken and (token is None or (token in ("$", "YEN*") and stoken != "$")):
            token = stoken
        mult = _SCALES.get(skey, Decimal(1)) if scale else Decimal(1)
        if token is None:
            if skey not in _BIG_SCALES or not _bare_ok(text, start, e):
                continue
        floor = bool(m.group("plus")) or bool(_FLOOR_RE.search(fold(text), max(0, start - 20), start))
        out.append((start, e, value * mult, token, floor, scale is not None, skey))
    return out


def _end_before_suffix(m: re.Match) -> int:
    for g in ("plus", "cjk", "l2", "l", "w", "num"):
        if m.group(g):
            return m.end(g)
    return m.end()


def _worded(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, Decimal, str | None, bool, bool, str | None]]:
    """Amounts written in words: "half a billion dollars", "a million dollars"."""
    out = []
    for m in _WORD_SCALE_RE.finditer(fold(text)):
        s, e = m.start(), m.end()
        if any(a <= s < b for a, b in taken):
            continue
        w = _WORD_NUM_RE.search(fold(text), max(0, s - 24), s)
        if not w:
            continue
        key = " ".join(w.group(1).lower().split())
        value = _WORD_VALUES.get(key)
        if value is None:
            continue
        start = w.start()
        skey = m.group(1).lower()
        token = None
        sm = _WORD_SUFFIX_RE.match(fold(text), e)
        if sm:
            token = _SUFFIX_CUR.get(" ".join(sm.group(1).lower().split()))
            e = sm.end()
        elif skey not in _BIG_SCALES or not _bare_ok(text, start, e):
            continue
        floor = bool(_FLOOR_RE.search(fold(text), max(0, start - 20), start))
        out.append((start, e, value * _SCALES[skey], token, floor, True, skey))
    return out


def find_amounts(text: str) -> list[Money]:
    """Return every money amount in ``text``, in order of position."""
    if not text:
        return []
    found = _numeric(text)
    low = text.lower()
    if "illion" in low or "crore" in low or "lakh" in low or "thousand" in low:
        found += _worded(text, [(a, b) for a, b, *_ in found])
        found.sort(key=lambda t: t[0])
    if not found:
        return []
    # Ranges: "$10-15 million", "$10 to $15 million": the first end takes the second's scale.
    items = [list(t) for t in found]
    for i in range(len(items) - 1):
        a, b = items[i], items[i + 1]
        if _RANGE_GAP_RE.match(text[a[1]:b[0]]):
            if not a[5] and b[5]:
                a[2] = a[2] * _SCALES[b[6]]
                a[5], a[6] = True, b[6]
            if a[3] is None and b[3] is not None:
                a[3] = b[3]
            elif b[3] is None and a[3] is not None:
                b[3] = a[3]
    resolved = [_resolve(t[3], text) if t[3] else None for t in items]
    known = {c for c in resolved if c}
    out: list[Money] = []
    for t, cur in zip(items, resolved, strict=True):
        start, end, value, token, floor = t[0], t[1], t[2], t[3], t[4]
        if token is None:
            cur = next(iter(known)) if len(known) == 1 else None
        out.append(Money(float(value), cur, start, end, floor, text[start:end]))
    return out


def is_conversion(text: str, prev: Money, cur: Money) -> bool:
    """True when ``cur`` is a bracketed conversion of ``prev``: "Rs 100 crore ($12 million)"."""
    return prev.end <= cur.start and bool(_CONVERSION_GAP_RE.match(text[prev.end:cur.start]))
