"""Reports: export a sector report for a period as CSV, Excel, HTML or PDF."""

import streamlit as st

from dashboard import state
from dashboard.reports import FORMATS, ReportRequest, build_report
from dashboard.widgets import deal_filters, no_data_hint
from dealradar.taxonomy import load_taxonomy

tax = load_taxonomy()
st.title("Sector reports")
f = deal_filters("rp", with_signals=False)
if no_data_hint():
    st.stop()
sector = st.selectbox("Sector", ["(all sectors)", *tax.sectors], key="rp_sector",
                      format_func=lambda s: s if s.startswith("(") else tax.sector_name(s))
fmt = st.radio("Format", list(FORMATS), horizontal=True, key="rp_fmt")
req = ReportRequest(sector=None if sector.startswith("(") else sector, start=f.start, end=f.end, fmt=fmt,
                    granularity=f.granularity, created_by=state.user_name())
if st.button("Build report", type="primary"):
    data, mime, name = state.with_con(build_report, req)
    st.session_state["report"] = (data, mime, name)
if "report" in st.session_state:
    data, mime, name = st.session_state["report"]
    st.download_button(f"Download {name}", data=data, file_name=name, mime=mime, key="rp_download")
