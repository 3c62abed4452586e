"""Shared sidebar filters and small display helpers for pages."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import state
from dashboard.queries import Filters
from dealradar.taxonomy import load_taxonomy


def deal_filters(key: str = "f", with_signals: bool = True, with_details: bool = False) -> Filters:
    """Sidebar filters -> Filters."""
    tax = load_taxonomy()
    sb = st.sidebar
    sb.header("Filters")
    default_start = date(2015, 1, 1)
    newest = state.q("newest_date") or date.today()
    rng = sb.date_input("Period", value=(default_start, newest), key=f"{key}_period")
    start, end = (rng[0], rng[1]) if isinstance(rng, (tuple, list)) and len(rng) == 2 else (default_start, newest)
    sectors = sb.multiselect("Sectors", tax.sectors, format_func=tax.sector_name, key=f"{key}_sectors")
    signals = sb.multiselect("Signals", tax.deal_signals, key=f"{key}_signals") if with_signals else []
    gran = sb.radio("Granularity", ["quarter", "month"], horizontal=True, key=f"{key}_gran")
    stages, lo, hi, inv, comp = [], None, None, None, None
    if with_details:
        stages = sb.multiselect("Round stages", tax.round_stages, key=f"{key}_stages")
        c1, c2 = sb.columns(2)
        lo_m = c1.number_input("Min $M", min_value=0.0, value=0.0, step=1.0, key=f"{key}_min")
        hi_m = c2.number_input("Max $M (0 = none)", min_value=0.0, value=0.0, step=10.0, key=f"{key}_max")
        lo = lo_m * 1e6 if lo_m else None
        hi = hi_m * 1e6 if hi_m else None
        inv = sb.text_input("Investor contains", key=f"{key}_inv") or None
        comp = sb.text_input("Company contains", key=f"{key}_comp") or None
    return Filters(start=start, end=end, sectors=tuple(sectors), signals=tuple(signals), stages=tuple(stages),
                   min_usd=lo, max_usd=hi, investor=inv, company=comp, granularity=gran)


def no_data_hint() -> bool:
    """Show a hint and return True when the warehouse has no deals yet."""
    info = state.with_con(lambda con: con.execute("SELECT count(*) FROM articles").fetchone()[0])
    if not info:
        st.info("The warehouse is empty. Run `dealradar up` (or `dealradar ingest` then `dealradar train`).")
        return True
    return False
