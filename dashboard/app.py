"""DealRadar's Streamlit app: `streamlit run dashboard/app.py` (or `dealradar dashboard`)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit as st  # noqa: E402

st.set_page_config(page_title="DealRadar", page_icon=":material/radar:", layout="wide")

PAGES = Path(__file__).parent / "pages"
nav = st.navigation([
    st.Page(PAGES / "overview.py", title="Overview", icon=":material/insights:", default=True),
    st.Page(PAGES / "sectors.py", title="Sectors", icon=":material/category:"),
    st.Page(PAGES / "deals.py", title="Deals", icon=":material/handshake:"),
    st.Page(PAGES / "articles.py", title="Articles", icon=":material/article:"),
    st.Page(PAGES / "companies.py", title="Companies", icon=":material/domain:"),
    st.Page(PAGES / "review.py", title="Review", icon=":material/rate_review:"),
    st.Page(PAGES / "model.py", title="Model", icon=":material/model_training:"),
    st.Page(PAGES / "reports.py", title="Reports", icon=":material/download:"),
])
nav.run()
