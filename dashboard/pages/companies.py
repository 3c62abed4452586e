"""Companies: a registry profile with sector (bundled, inferred or corrected), deal timeline, investors, articles."""

import streamlit as st

from dashboard import state
from dashboard.highlight import escape_markdown as md
from dashboard.queries import ArticleFilters
from dealradar.taxonomy import load_taxonomy

tax = load_taxonomy()
st.title("Companies")
name = st.text_input("Find a company", key="co_search", value=st.query_params.get("q", ""))
cid = st.query_params.get("company") if not name else None
if not name and not cid:
    st.stop()
if not cid:
    matches = state.with_con(lambda con, n: con.execute(
        "SELECT company_id, name, kind, sector, sector_origin, country FROM companies "
        "WHERE name ILIKE '%' || ? || '%' OR EXISTS (SELECT 1 FROM unnest(aliases) AS t(a) WHERE lower(a) = lower(?)) "
        "ORDER BY length(name) LIMIT 50", [n, n]).df(), name)
    if matches.empty:
        st.info("No company matches.")
        st.stop()
    cid = st.selectbox("Company", matches["company_id"], key="co_pick",
                       format_func=lambda c: matches.set_index("company_id").loc[c, "name"])
prof = state.q("company_profile", cid)
if prof is None:
    st.warning("Unknown company id")
    st.stop()
c = prof["company"]
st.subheader(md(c["name"]))
changes = state.with_con(lambda con, i: con.execute(
    "SELECT changed_by FROM company_changes WHERE company_id = ? AND action = 'set_sector' "
    "ORDER BY changed_at DESC LIMIT 1", [i]).fetchall(), cid)
st.write({"kind": c["kind"], "sector": c["sector"], "sector origin": c["sector_origin"],
          "corrected by": changes[0][0] if changes else None, "country": c["country"],
          "founded": c["founded_year"], "aliases": list(c["aliases"]) if c["aliases"] is not None else []})
st.text(c["description"] or "")
st.markdown("**Deal timeline**")
st.dataframe(prof["deals"], hide_index=True, width="stretch")
st.markdown("**Its investors**")
st.dataframe(prof["investors"], hide_index=True, width="stretch")
if not prof["portfolio"].empty:
    st.markdown("**Deals it invested in**")
    st.dataframe(prof["portfolio"], hide_index=True, width="stretch")
st.markdown("**Articles**")
st.dataframe(state.q("articles_table", ArticleFilters(company_id=cid), 200), hide_index=True, width="stretch")
