"""Articles: search and filter; each with its label, confidence, second choice and model version."""

import streamlit as st

from dashboard import state
from dashboard.highlight import escape_markdown as md
from dashboard.queries import ArticleFilters
from dashboard.widgets import no_data_hint
from dealradar.taxonomy import load_taxonomy

tax = load_taxonomy()
st.title("Articles")
if no_data_hint():
    st.stop()
sb = st.sidebar
search = sb.text_input("Search title and body", key="ar_search")
sectors = sb.multiselect("Sectors", tax.sectors, format_func=tax.sector_name, key="ar_sectors")
signals = sb.multiselect("Signals", tax.signals, key="ar_signals")
conf = sb.slider("Confidence (lower of the two heads)", 0.0, 1.0, (0.0, 1.0), 0.05, key="ar_conf")
outs = sb.multiselect("Outlets", state.q("outlets"), key="ar_outlets")
af = ArticleFilters(search=search or None, sectors=tuple(sectors), signals=tuple(signals),
                    min_conf=conf[0] if conf[0] > 0 else None, max_conf=conf[1] if conf[1] < 1 else None,
                    outlets=tuple(outs))
df = state.q("articles_table", af, 1000)
st.caption(f"{len(df)} articles (newest first, at most 1,000)")
event = st.dataframe(df, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                     key="ar_table", column_config={"url": st.column_config.LinkColumn("url")})
if event and event.selection.rows:
    a = df.iloc[event.selection.rows[0]]
    st.subheader(md(a["title"]))
    st.text(f"{a['outlet']} · {a['published_at']} · {a['source']}")
    st.write({"sector": a["sector"], "confidence": a["sector_conf"], "second choice": a["sector_2nd"],
              "signal": a["signal"], "signal confidence": a["signal_conf"], "signal second": a["signal_2nd"],
              "model version": a["version_id"], "label from": a["label_origin"]})
    if isinstance(a["company_id"], str):
        st.page_link("pages/companies.py", label="Company profile", query_params={"company": a["company_id"]})
    if a["deal_id"] == a["deal_id"] and a["deal_id"] is not None:
        st.page_link("pages/deals.py", label=f"Open deal {int(a['deal_id'])}", query_params={"deal": int(a["deal_id"])})
