"""Overview: KPIs, capital by sector over time, signal mix, largest deals; click a bar to drill down."""

import pandas as pd
import streamlit as st

from dashboard import charts, state
from dashboard.highlight import escape_markdown as md
from dashboard.widgets import deal_filters, no_data_hint
from dealradar.taxonomy import load_taxonomy

st.title("Where AI capital is flowing")
f = deal_filters("ov")
if no_data_hint():
    st.stop()
tax = load_taxonomy()
k = state.q("kpis", f)
c = st.columns(5)
c[0].metric("Capital raised", state.money(k["capital_usd"]),
            delta=f"{k['capital_change']:+.0%}" if k.get("capital_change") is not None else None)
c[1].metric("Rounds", f"{k['deals']:,}", delta=f"{k['deals_change']:+.0%}" if k.get("deals_change") is not None else None)
c[2].metric("Median round", state.money(k["median_round_usd"]))
c[3].metric("Top sector", tax.sector_name(k["top_sector"]) if k["top_sector"] else "n/a")
c[4].metric("Previous period", state.money(k.get("previous", {}).get("capital_usd")))
measure = st.radio("Measure", ["capital_usd", "deals"], horizontal=True, key="ov_measure",
                   format_func=lambda m: "USD" if m == "capital_usd" else "Deal count")
df = state.q("capital_by_sector", f)
event = st.plotly_chart(charts.capital_by_sector(df, measure), key="ov_cap", on_select="rerun",
                        selection_mode="points", width="stretch")
st.caption("Hatched bars are provisional: small rounds are often reported weeks late.")
points = (event or {}).get("selection", {}).get("points", []) if event else []
if points:
    p = points[0]
    period = pd.Timestamp(p["x"]).date()
    sector = (p.get("customdata") or [None])[0]
    st.subheader(f"Deals behind {tax.sector_name(sector) if sector else 'all sectors'}, {period:%Y-%m}")
    st.dataframe(state.q("deals_in_period", f, period, sector), hide_index=True, width="stretch")
left, right = st.columns(2)
left.plotly_chart(charts.signal_mix(state.q("signal_mix", f)), key="ov_mix", width="stretch")
right.plotly_chart(charts.largest_deals(state.q("largest_deals", f, 12)), key="ov_top", width="stretch")
top = state.q("largest_deals", f, 5)
if not top.empty:
    st.caption("Open a deal:")
    for r in top.itertuples():
        st.page_link("pages/deals.py", label=md(f"{r.company} · {state.money(r.amount_usd)} · {r.signal}"),
                     query_params={"deal": int(r.deal_id)})
