"""Find the stage of a funding round (TAXONOMY.md ``round_stage`` ids).

Decisions (kept deliberately simple and documented here):

* "Series B", "Series B-2", "Series B1", "Series B+", "B round", "B+ round",
  "B轮" -> ``series_b``; letters A..H map to ``series_a`` .. ``series_h``; a
  later letter ("Series I") -> ``growth``. A bare "A round" is not read (it
  is the article "a round"), "A-round" and "Series A" are.
* "pre-seed" -> ``pre_seed``; "seed", "seed round/funding" -> ``seed``;
  "pre-Series A" / "pre-A" -> ``seed`` (the round before an A is seed money).
* "angel round/funding/investment" -> ``seed``: data sets that carry angel
  rounds (Crunchbase, Indian funding lists) group them with seed, and
  ``pre_seed`` is kept for rounds that call themselves pre-seed.
* "growth round/equity/funding", "late-stage round", "pre-IPO round",
  "mezzanine" -> ``growth``.
* "debt financing", "venture debt", "credit facility", "line of credit",
  "$50M loan", "convertible note" -> ``debt``.
* "grant" -> ``grant``.
* Fund vocabulary ("seed fund", "growth fund", "late-stage fund") is a
  venture fund, not a round, and is not read as a stage.

``undisclosed`` is not decided here: it is what :mod:`facts` reports for a
round whose stage the text does not say.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from etl.extract.textscan import Triggers, ci, fold

logger = logging.getLogger(__name__)

__all__ = ["StageFact", "find_stage", "find_stages", "STAGES"]

STAGES = (
    "pre_seed", "seed", "series_a", "series_b", "series_c", "series_d", "series_e",
    "series_f", "series_g", "series_h", "growth", "debt", "grant", "undisclosed",
)


@dataclass(frozen=True, slots=True)
class StageFact:
    """A round stage and the text it was read from."""

    stage: str
    start: int
    end: int
    raw: str


_FUNDISH = r"(?:funds?|investors?|firms?|vcs?|programs?|programmes?|accelerators?|fund-of-funds|portfolio)\b"
_END = r"(?![\w-])"
# Matched at a trigger word on lowercased text.
_STAGE_AT = ci(
    r"(?P<preseed>pre[-\s]?seed)" + _END
    + r"|(?P<prea>pre[-\s]?(?:series[-\s])?a(?:\s+round|\s+funding|\s+financing|" + _END + r"))"
    r"|(?P<series>series[-\s]?(?P<sl>[a-k])(?:-?\d{1,2})?\+?(?![a-z]))"
    r"|(?P<seed>seed(?:[-\s]stage)?" + _END + r"(?!\s+" + _FUNDISH + r")(?![-\s]stage\s+" + _FUNDISH + r"))"
    r"|(?P<angel>angel\s+(?:round|funding|financing|investment|raise)s?" + _END + r")"
    r"|(?P<growth>(?:growth(?:[-\s](?:equity|stage))?|late[-\s]stage|pre[-\s]?ipo|mezzanine)"
    r"(?:\s+(?:equity\s+)?(?:round|funding|financing|investment|raise|capital))" + _END
    + r"|growth\s+equity" + _END + r"(?!\s+" + _FUNDISH + r")|mezzanine" + _END + r"(?!\s+" + _FUNDISH + r"))"
    r"|(?P<debt>venture[-\s]debt" + _END + r"|debt\s+(?:financing|funding|round|facility|raise|investment|capital)"
    + _END + r"|(?:credit|loan|lending|revolving)\s+(?:facility|facilities|line)" + _END
    + r"|line\s+of\s+credit" + _END + r"|convertible\s+notes?" + _END + r"|loan\s+of" + _END
    + r"|(?<=in\s)debt" + _END + r"|(?<=in\snew\s)debt" + _END + r")"
    r"|(?P<grant>grants?" + _END + r"(?!\s+(?:access|permission|approval|them|it|users|the\s+right)))"
)
_TRIGGERS = Triggers([
    "pre-seed", "pre seed", "preseed", "pre-a", "pre a", "prea", "pre-series", "pre series", "series", "seed", "angel",
    "growth", "late-stage", "late stage", "pre-ipo", "pre ipo", "preipo", "mezzanine", "venture-debt", "venture debt",
    "debt", "credit", "loan", "lending", "revolving", "line", "convertible", "grant", "grants",
])
# "$50M loan", "a new term loan" (not "a loan marketplace"): the amount or article comes before.
_LOAN_BEFORE = ci(
    r"(?:\d\s?(?:[kmb]|mn|bn|million|billion|crore|lakh)?|(?<![\w-])an?)\s+"
    r"(?:(?:term|bridge|new|secured|unsecured|syndicated|revolving|green|venture|bank|debt)\s+){0,2}$"
)
_LOAN_AFTER = ci(
    r"loans?" + _END + r"(?!\s+(?:marketplace|platform|startup|company|apps?|provider|servicer|servicing|origination"
    r"|software|products?|business|lender|firm)\b)"
)
# "B round", "B+ round", "C-round", "A-round" (a bare "A round" is the article "a round").
_LETTER_BEFORE = re.compile(r"(?<![\w-])(?P<ll>[B-H](?:-?\d)?\+?|A(?:-?\d|\+)|A(?=-))[-\s]?$")
_CJK_RE = re.compile(r"(?P<cjk>(?P<cl>[A-Ha-h])\+?轮)|(?P<angelcn>天使轮)|(?P<prea>[Pp]re-?A\+?轮)")
_NAMES = ("preseed", "prea", "series", "seed", "angel", "growth", "debt", "grant")


def _stage_of(name: str, letter: str | None = None) -> str:
    if letter:
        letter = letter[0].lower()
        return f"series_{letter}" if letter <= "h" else "growth"
    if name == "preseed":
        return "pre_seed"
    if name in ("prea", "seed", "angel", "angelcn"):
        return "seed"
    return name


def find_stages(text: str) -> list[StageFact]:
    """Every stage mention in ``text``, in order."""
    if not text:
        return []
    low = fold(text)
    out: list[StageFact] = []
    done = 0
    for pos in _TRIGGERS.starts(low):
        if pos < done:
            continue
        m = _STAGE_AT.match(low, pos)
        if m:
            name = next(n for n in _NAMES if m.group(n) is not None)
            out.append(StageFact(_stage_of(name, m.group("sl")), pos, m.end(), text[pos:m.end()]))
            done = m.end()
    i = low.find("loan")
    while i >= 0:
        m = _LOAN_AFTER.match(low, i)
        if m and _LOAN_BEFORE.search(low, max(0, i - 40), i):
            out.append(StageFact("debt", i, m.end(), text[i:m.end()]))
        i = low.find("loan", i + 4)
    i = low.find("round")
    while i >= 0:
        m = _LETTER_BEFORE.search(text, max(0, i - 6), i)
        if m and (i + 5 == len(low) or not low[i + 5].isalnum()):
            out.append(StageFact(_stage_of("letter", m.group("ll")), m.start(), i + 5, text[m.start():i + 5]))
        i = low.find("round", i + 5)
    if "轮" in text:
        for m in _CJK_RE.finditer(text):
            name = m.lastgroup if m.lastgroup != "cl" else "cjk"
            name = "cjk" if m.group("cjk") else name
            out.append(StageFact(_stage_of(name, m.group("cl")), m.start(), m.end(), m.group()))
    if len(out) > 1:
        out.sort(key=lambda f: f.start)
    return out


def find_stage(text: str) -> StageFact | None:
    """The first stage mention in ``text``, or None."""
    stages = find_stages(text)
    return stages[0] if stages else None
