"""Deals: filter and sort; select a deal for its articles, evidence, conflicts, merge and split."""

import streamlit as st

from dashboard import state
from dashboard.highlight import escape_markdown as md
from dashboard.highlight import highlighted_markdown
from dashboard.queries import SORTABLE
from dashboard.widgets import deal_filters, no_data_hint
from etl import deals as deal_ops

st.title("Deals")
state.sidebar_identity()
f = deal_filters("dl", with_details=True)
if no_data_hint():
    st.stop()
c1, c2 = st.columns([3, 1])
sort = c1.selectbox("Sort by", sorted(SORTABLE), index=sorted(SORTABLE).index("amount_usd"), key="dl_sort")
desc = c2.toggle("Descending", value=True, key="dl_desc")
table = state.q("deals_table", f, sort, desc, 500)
st.caption(f"{len(table)} deals (first 500)")
event = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="multi-row",
                     key="dl_table")
rows = event.selection.rows if event else []
picked = st.query_params.get("deal")
if rows:
    picked = int(table.iloc[rows[0]]["deal_id"])
if picked is not None:
    try:
        picked = int(picked)
    except (TypeError, ValueError):
        st.warning("That link does not name a deal.")
        st.stop()
    detail = state.q("deal_detail", picked)
    if detail is None:
        st.warning(f"No deal {picked}")
        st.stop()
    d = detail["deal"]
    st.subheader(md(f"{d['company'] or 'Unknown company'}: {d['signal']}, {state.money(d['amount_usd'])}"))
    st.write({k: d[k] for k in ("deal_id", "sector", "round_stage", "valuation_usd", "acquirer", "announced_at",
                                "n_articles")})
    st.write("Investors (lead first):", list(d["investors"]) if d["investors"] is not None else [])
    if isinstance(d.get("company_id"), str):
        st.page_link("pages/companies.py", label="Company profile", query_params={"company": d["company_id"]})
    if d["conflicts"]:
        st.warning(md("Outlets disagree: " + "; ".join(f"{k}: {v}" for k, v in d["conflicts"].items())))
    for _, a in detail["articles"].iterrows():
        label = md(f"{a['outlet'] or 'unknown outlet'} · {state.day(a['published_at'])} · {a['title']}")
        with st.expander(label, expanded=True):
            for source, text in (("title", a["title"]), ("body", a["body"] or "")):
                spans = [(e["start"], e["end"], e["field"]) for e in a["evidence"] if e.get("source") == source]
                st.markdown(highlighted_markdown(text, spans))
            st.dataframe(a[["company", "amount", "currency", "amount_usd", "round_stage", "valuation_usd", "investors",
                            "acquirer"]].to_frame().T, hide_index=True, width="stretch")
            st.caption(md(f"article {a['article_id']} · {a['url'] or ''}"))
    if state.can_edit():
        ids = [int(x) for x in detail["articles"]["article_id"]]
        move = st.multiselect("Split these articles into their own deal", ids, key="dl_split")
        if st.button("Split", disabled=not move or len(move) == len(ids)):
            state.write_action(deal_ops.split_deal, int(d["deal_id"]), move, state.user_name())
            st.success("Split done")
            st.rerun()
if state.can_edit() and len(rows) >= 2:
    ids = [int(table.iloc[r]["deal_id"]) for r in rows]
    if st.button(f"Merge the {len(ids)} selected deals"):
        state.write_action(deal_ops.merge_deals, ids, state.user_name())
        st.success("Merged")
        st.rerun()
