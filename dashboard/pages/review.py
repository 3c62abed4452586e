"""Review: least confident first; accept (A), correct (Enter), skip (S), undo (U). Labels record who and when."""

import streamlit as st

from classifier.labels import add_label, undo_last_label
from dashboard import state
from dashboard.highlight import escape_markdown as md
from dashboard.widgets import no_data_hint
from dealradar.taxonomy import load_taxonomy

tax = load_taxonomy()
st.title("Review queue")
state.sidebar_identity()
if no_data_hint():
    st.stop()
if not state.can_edit():
    st.info("Labelling is restricted: enter the editor password or log in (sidebar).")
    st.stop()
skipped = st.session_state.setdefault("skipped", [])
prog = state.q("review_progress")
st.progress(prog["labelled"] / prog["total"] if prog["total"] else 0.0,
            text=f"{prog['labelled']:,} of {prog['total']:,} classified articles labelled")
queue = state.q("review_queue", 20, tuple(skipped))
if queue.empty:
    st.success("Nothing left to review.")
    if st.button("Undo last label (U)", shortcut="U"):
        state.write_action(undo_last_label, state.user_name())
        st.rerun()
    st.stop()
a = queue.iloc[0]
st.caption(md(f"article {a['article_id']} · {a['outlet']} · {state.day(a['published_at'])} · model {a['version_id']} · "
           f"confidence {a['confidence']:.2f}"))
st.subheader(md(a["title"]))
st.text(a["body"] or "(no body)")
st.write(f"Model says **{a['sector']}** ({a['sector_conf']:.2f}; else {a['sector_2nd']}) and "
         f"**{a['signal']}** ({a['signal_conf']:.2f}; else {a['signal_2nd']})")
aid = int(a["article_id"])
with st.form(f"label_{aid}"):
    c1, c2 = st.columns(2)
    sector = c1.selectbox("Sector", tax.sectors, key=f"rv_sector_{aid}", index=tax.sectors.index(a["sector"]),
                          format_func=tax.sector_name)
    signal = c2.selectbox("Signal", tax.signals, key=f"rv_signal_{aid}", index=tax.signals.index(a["signal"]))
    save = st.form_submit_button("Save label (Enter)", type="primary", key="rv_save")
if save:
    action = "accept" if (sector, signal) == (a["sector"], a["signal"]) else "correct"
    state.write_action(add_label, aid, sector, signal, state.user_name(), action)
    st.rerun()
b1, b2, b3 = st.columns(3)
if b1.button("Accept model's labels (A)", shortcut="A", key="rv_accept"):
    state.write_action(add_label, aid, a["sector"], a["signal"], state.user_name(), "accept")
    st.rerun()
if b2.button("Skip (S)", shortcut="S", key="rv_skip"):
    skipped.append(aid)
    st.rerun()
if b3.button("Undo last label (U)", shortcut="U", key="rv_undo"):
    back = state.write_action(undo_last_label, state.user_name())
    st.toast(f"Undid the label of article {back}" if back else "Nothing to undo")
    st.rerun()
