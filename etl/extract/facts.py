"""Put the deal facts of one article together (TAXONOMY.md "Funding facts to extract").

The headline is read first; the body fills what the headline leaves out
(company, amount, stage, investors, valuation, acquirer) and adds investors
and a valuation the headline does not name. Every fact keeps the span it was
read from in ``DealFacts.evidence``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import date

from etl.extract.amounts import Money, find_amounts, is_conversion
from etl.extract.fx import to_usd
from etl.extract.parties import (
    DealParse,
    Span,
    body_sentences,
    investor_mentions,
    is_title_case,
    order_investors,
    parse_deal,
    valuations,
)
from etl.extract.stages import StageFact, find_stages
from etl.extract.textscan import ci, fold

logger = logging.getLogger(__name__)

__all__ = ["DealFacts", "Evidence", "extract_facts", "DEAL_SIGNALS"]

DEAL_SIGNALS = frozenset(["funding_round", "vc_fund", "acquisition", "ipo"])
_AMOUNT_TOLERANCE = 0.01
_PRIOR_RE = ci(r"\b(?:previous(?:ly)?|prior|earlier|last\s+year|had\s+raised|before|since|in\s+20\d\d)\b")
_MAX_BODY_SENTENCES = 40


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact was read: field, value, "title" or "body", and the character span."""

    field: str
    value: object
    source: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class DealFacts:
    """The deal facts of one article. ``deal_kind`` is the extractor's own reading of the event."""

    company: str | None = None
    amount: float | None = None
    currency: str | None = None
    amount_usd: float | None = None
    amount_floor: bool = False
    round_stage: str | None = None
    valuation_usd: float | None = None
    investors: list[str] = field(default_factory=list)
    acquirer: str | None = None
    deal_kind: str | None = None
    flags: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    def as_row(self) -> dict:
        """A flat dict for CSV: investors and flags "; "-joined, evidence as JSON."""
        return {
            "company": self.company,
            "amount": self.amount,
            "currency": self.currency,
            "amount_usd": self.amount_usd,
            "amount_floor": self.amount_floor,
            "round_stage": self.round_stage,
            "valuation_usd": self.valuation_usd,
            "investors": "; ".join(self.investors),
            "acquirer": self.acquirer,
            "deal_kind": self.deal_kind,
            "flags": "; ".join(self.flags),
            "evidence": json.dumps([asdict(e) for e in self.evidence], ensure_ascii=False),
        }


class _Doc:
    """Title and body with their lazily computed readings."""

    def __init__(self, title: str, body: str) -> None:
        self.title = title
        self.body = body
        self.tc = is_title_case(title) if title else False
        self.tparse = parse_deal(title, "title", self.tc) if title else None
        self.title_amounts = find_amounts(title) if title else []
        self._body_amounts: list[Money] | None = None
        self._spans: list[tuple[int, int]] | None = None
        self._parsed: list[DealParse | None] = []

    def text(self, source: str) -> str:
        return self.title if source == "title" else self.body

    @property
    def body_amounts(self) -> list[Money]:
        if self._body_amounts is None:
            self._body_amounts = find_amounts(self.body)
        return self._body_amounts

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Body sentence spans (split once, on first use)."""
        if self._spans is None:
            self._spans = body_sentences(self.body)[:_MAX_BODY_SENTENCES]
        return self._spans

    def parsed(self, i: int) -> DealParse | None:
        """The deal reading of body sentence ``i`` (parsed once, on first use)."""
        while len(self._parsed) <= i:
            s, e = self.spans[len(self._parsed)]
            self._parsed.append(parse_deal(self.body, "body", False, s, e))
        return self._parsed[i]

    def deal_sentences(self, kind: str | None):
        """Body sentences that describe a deal (of ``kind`` if given), in order."""
        for i, (s, e) in enumerate(self.spans):
            p = self.parsed(i)
            if p is not None and p.kind and (kind is None or p.kind == kind):
                yield s, e, p


def _pick_amount(text: str, amounts: list[Money], anchor: int, lo: int = 0, hi: int | None = None) -> Money | None:
    """The deal amount: not a valuation, not a bracketed conversion; the first after the verb if any."""
    hi = len(text) if hi is None else hi
    inside = [a for a in amounts if lo <= a.start < hi]
    if not inside:
        return None
    vals = {(v.start, v.end) for v, _ in valuations(text, inside)}
    cands = []
    for i, a in enumerate(inside):
        if (a.start, a.end) in vals or (i > 0 and is_conversion(text, inside[i - 1], a)):
            continue
        cands.append(a)
    after = [a for a in cands if a.start >= anchor]
    return (after or cands or [None])[0]


def _ev(facts: DealFacts, field_: str, value: object, source: str, text: str, start: int, end: int) -> None:
    facts.evidence.append(Evidence(field_, value, source, start, end, text[start:end]))


def _flag(facts: DealFacts, flag: str | None) -> None:
    if flag and flag not in facts.flags:
        facts.flags.append(flag)


def extract_facts(title: str, body: str = "", published_at: date | None = None, *,
                  signal: str | None = None) -> DealFacts:
    """Extract the deal facts of one article.

    ``signal``, when the classifier's label is known, decides which facts apply
    (``round_stage`` only for funding rounds, ``acquirer`` only for acquisitions);
    without it the extractor's own reading of the headline decides.
    """
    facts = DealFacts()
    title = title or ""
    body = body or ""
    doc = _Doc(title, body)
    tp = doc.tparse
    kind = tp.kind if tp else None
    bp: DealParse | None = None
    bp_span: tuple[int, int] | None = None
    if kind is None and body:
        for s, e, p in doc.deal_sentences(None):
            if p.kind in DEAL_SIGNALS:
                bp, bp_span, kind = p, (s, e), p.kind
                break
    if signal is not None:
        kind = signal
    facts.deal_kind = kind
    if kind == "none" or kind is None:
        return facts

    # Company
    company: Span | None = tp.company if tp else None
    if company is None and body:
        if bp is None:
            for s, e, p in doc.deal_sentences(kind if kind in DEAL_SIGNALS else None):
                if p.company is not None:
                    bp, bp_span = p, (s, e)
                    break
        if bp is not None and bp.company is not None:
            company = bp.company
            _flag(facts, "company_from_body")
    if company is not None:
        facts.company = company.text
        _ev(facts, "company", company.text, company.source, doc.text(company.source), company.start, company.end)
    if kind == "layoffs_shutdown":
        return facts

    # Amount
    amount: Money | None = None
    amount_src = "title"
    if title:
        amount = _pick_amount(title, doc.title_amounts, tp.anchor if tp else 0)
    if body and doc.body_amounts:
        if amount is None:
            candidates = ([(bp_span[0], bp_span[1], bp)] if bp_span else []) + [
                t for t in doc.deal_sentences(kind) if not bp_span or t[0] != bp_span[0]]
            for s, e, p in candidates:
                amount = _pick_amount(body, doc.body_amounts, p.anchor, s, e)
                if amount is not None:
                    amount_src = "body"
                    _flag(facts, "amount_from_body")
                    break
        elif not any(b.currency == amount.currency and abs(b.value - amount.value)
                     <= _AMOUNT_TOLERANCE * max(b.value, amount.value) for b in doc.body_amounts):
            _flag(facts, "title_amount_not_in_body")
    if amount is not None:
        facts.amount, facts.currency, facts.amount_floor = amount.value, amount.currency, amount.floor
        _ev(facts, "amount", amount.value, amount_src, doc.text(amount_src), amount.start, amount.end)
        if amount.currency is None:
            _flag(facts, "currency_unknown")
        else:
            facts.amount_usd, flag = to_usd(amount.value, amount.currency, published_at)
            _flag(facts, flag)

    # Round stage
    if kind == "funding_round":
        stage, stage_src = _pick_stage(doc, bp_span)
        facts.round_stage = stage.stage if stage else "undisclosed"
        if stage:
            _ev(facts, "round_stage", stage.stage, stage_src, doc.text(stage_src), stage.start, stage.end)

    # Valuation
    if kind in ("funding_round", "ipo"):
        _set_valuation(facts, doc, amount, published_at)

    # Investors
    if kind == "funding_round":
        mentions: list[tuple[Span, bool]] = []
        if tp is not None and tp.kind == "funding_round":
            mentions += [(s, True) for s in tp.investors]
        mentions += investor_mentions(title, "title", doc.tc)
        if body:
            mentions += investor_mentions(body, "body", False)
        if tp is not None:
            mentions += [(b, False) for b in tp.backers]
        for span in order_investors(mentions):
            if company is not None and span.text.lower() == company.text.lower():
                continue
            facts.investors.append(span.text)
            _ev(facts, "investors", span.text, span.source, doc.text(span.source), span.start, span.end)

    # Acquirer
    if kind == "acquisition":
        acq = tp.acquirer if tp is not None and tp.kind == "acquisition" else None
        if acq is None and body:
            for _s, _e, p in doc.deal_sentences("acquisition"):
                if p.acquirer is not None:
                    acq = p.acquirer
                    break
        if acq is not None:
            facts.acquirer = acq.text
            _ev(facts, "acquirer", acq.text, acq.source, doc.text(acq.source), acq.start, acq.end)
    _drop_implausible_amount(facts)
    return facts


MIN_DEAL_USD = 10_000  # below this a "$" figure is a share price or a unit price, not a deal


def _drop_implausible_amount(facts: DealFacts) -> None:
    """A share price ("$120 a share") or a stated valuation alone ("now worth $8 billion") is not the deal's amount."""
    if facts.amount is None:
        return
    reason = None
    if facts.amount_usd is not None and facts.amount_usd < MIN_DEAL_USD:
        reason = "implausible_amount"
    elif facts.valuation_usd and facts.amount_usd and abs(facts.amount_usd - facts.valuation_usd) <= 0.005 * facts.valuation_usd:
        reason = "amount_is_valuation"
    if reason:
        facts.amount = facts.currency = facts.amount_usd = None
        facts.amount_floor = False
        facts.evidence = [e for e in facts.evidence if e.field != "amount"]
        _flag(facts, reason)


def _pick_stage(doc: _Doc, bp_span: tuple[int, int] | None) -> tuple[StageFact | None, str]:
    """Stage from the title, else the body's deal sentence, else a body sentence not about a past round."""
    if doc.title:
        stages = find_stages(doc.title)
        if stages:
            return stages[0], "title"
    if not doc.body:
        return None, "body"
    stages = find_stages(doc.body)
    if not stages:
        return None, "body"
    if bp_span:
        for st in stages:
            if bp_span[0] <= st.start < bp_span[1]:
                return st, "body"
    for i, (s, e) in enumerate(doc.spans):
        here = [st for st in stages if s <= st.start < e]
        if here:
            p = doc.parsed(i)
            if p is not None and p.kind == "funding_round":
                return here[0], "body"
    for s, e in doc.spans:
        if _PRIOR_RE.search(fold(doc.body), s, e):
            continue
        for st in stages:
            if s <= st.start < e:
                return st, "body"
    return None, "body"


def _set_valuation(facts: DealFacts, doc: _Doc, amount: Money | None, on: date | None) -> None:
    for source in ("title", "body"):
        text = doc.text(source)
        if not text:
            continue
        vals = valuations(text, doc.title_amounts if source == "title" else doc.body_amounts)
        if not vals:
            continue
        val, pre = vals[0]
        value = val.value
        if pre:
            if amount is None or amount.currency != val.currency:
                _flag(facts, "pre_money_valuation")
                return
            value += amount.value
            _flag(facts, "valuation_from_pre_money")
        if val.currency is None:
            _flag(facts, "valuation_currency_unknown")
            return
        usd, flag = to_usd(value, val.currency, on)
        _flag(facts, flag)
        facts.valuation_usd = usd
        _ev(facts, "valuation_usd", usd, source, text, val.start, val.end)
        return
