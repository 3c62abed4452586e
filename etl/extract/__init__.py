"""Deterministic deal-fact extraction from headlines and article text (no database)."""

from etl.extract.amounts import Money, find_amounts
from etl.extract.facts import DealFacts, Evidence, extract_facts
from etl.extract.fx import to_usd

__all__ = ["extract_facts", "DealFacts", "Evidence", "find_amounts", "Money", "to_usd"]
