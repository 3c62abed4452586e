"""Sectors: one sector or two side by side."""

from dataclasses import replace

import streamlit as st

from dashboard import charts, state
from dashboard.widgets import deal_filters, no_data_hint
from dealradar.taxonomy import load_taxonomy

tax = load_taxonomy()
st.title("Sectors")
f = deal_filters("sec", with_signals=False)
if no_data_hint():
    st.stop()
chosen = st.multiselect("Compare one or two sectors", tax.sectors, default=[tax.sectors[0]], max_selections=2,
                        format_func=tax.sector_name, key="sec_pick")
measure = st.radio("Trend", ["capital_usd", "deals"], horizontal=True, key="sec_measure",
                   format_func=lambda m: "Capital (USD)" if m == "capital_usd" else "Deal count")
cols = st.columns(max(1, len(chosen)))
for col, sector in zip(cols, chosen, strict=False):
    ff = replace(f, sectors=(sector,))
    with col:
        st.subheader(tax.sector_name(sector))
        trend = state.q("capital_by_sector", ff)
        col.plotly_chart(charts.capital_by_sector(trend, measure), key=f"trend_{sector}", width="stretch")
        col.plotly_chart(charts.stage_mix(state.q("stage_mix", ff)), key=f"stage_{sector}", width="stretch")
        col.plotly_chart(charts.top_investors(state.q("top_investors", ff)), key=f"inv_{sector}", width="stretch")
        st.markdown("**Top companies**")
        st.dataframe(state.q("top_companies", ff), hide_index=True, width="stretch")
        st.markdown("**Latest articles**")
        arts = state.q("latest_articles", sector, f.start, f.end, 10)
        st.dataframe(arts[["published_at", "outlet", "title", "signal"]], hide_index=True, width="stretch")
