"""DealRadar: where capital flows in AI, by field, traceable to the article behind every number."""

__version__ = "0.1.0"
