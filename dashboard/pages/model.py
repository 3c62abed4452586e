"""Model: versions side by side, per-class F1, confusion matrices, retrain in the background, promote, roll back."""

import pandas as pd
import streamlit as st

from classifier import store
from classifier.config import PROFILES
from dashboard import charts, jobs, state
from dashboard.widgets import no_data_hint
from dealradar.errors import ModelError

st.title("Model versions")
state.sidebar_identity()
if no_data_hint():
    st.stop()
versions = state.q("model_versions")
if versions.empty:
    st.info("No model yet: run `dealradar train` or press Retrain.")
else:
    show = versions[["version_id", "status", "created_at", "method", "profile", "device", "duration_s",
                     "test_sector_f1", "baseline_sector_f1", "test_signal_f1", "baseline_signal_f1", "notes"]]
    st.dataframe(show, hide_index=True, width="stretch")
    ids = list(versions["version_id"])
    active = versions[versions["status"] == "active"]["version_id"].tolist()
    pick = st.multiselect("Compare versions", ids, default=ids[:2], max_selections=3, key="md_pick")
    chosen = versions[versions["version_id"].isin(pick)]
    for head in ("sector", "signal"):
        reps = [(r.version_id, r.metrics.get("test", {}).get(head, {})) for r in chosen.itertuples()]
        st.plotly_chart(charts.per_class_f1(reps, head), key=f"f1_{head}", width="stretch")
    cols = st.columns(max(1, len(chosen)))
    for col, r in zip(cols, chosen.itertuples(), strict=False):
        for head in ("sector", "signal"):
            rep = r.metrics.get("test", {}).get(head, {})
            col.plotly_chart(charts.confusion_heatmap(rep, f"{r.version_id} · {head}"), key=f"cm_{r.version_id}_{head}",
                             width="stretch")
            if "ece_before" in rep:
                col.caption(f"{head}: ECE {rep['ece_before']:.3f} -> {rep['ece_after']:.3f} after temperature "
                            f"{rep['temperature']:.2f}")
    candidates = versions[versions["status"] == "candidate"]["version_id"].tolist()
    if active and candidates:
        cand = st.selectbox("Candidate to assess", candidates, key="md_cand")
        comparison = versions.set_index("version_id").loc[cand, "metrics"].get("comparison", {})
        rows = [{"set": split, "head": head, "class": cls, "before": v["before"], "after": v["after"],
                 "change": v["delta"]}
                for split, heads in comparison.items() for head, h in heads.items()
                for cls, v in {"(macro-F1)": h["macro_f1"], **h["per_class"]}.items()]
        if rows:
            st.markdown("**Before (active version) and after (candidate), F1**")
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        shift = state.q("sector_totals_by_version", active[0], cand)
        if shift.empty:
            st.caption("Classify with the candidate to see its effect on sector totals "
                       "(`dealradar models promote` classifies automatically).")
        else:
            st.plotly_chart(charts.sector_shift(shift), key="md_shift", width="stretch")
            for r in shift.itertuples():
                delta = r.capital_b - r.capital_a
                moved = r.relabelled_in + r.relabelled_out
                if moved:
                    st.write(f"{r.sector}: {'+' if delta >= 0 else '-'}{state.money(abs(delta))}, {moved} deals relabelled")
    if state.can_edit():
        c1, c2, c3 = st.columns(3)
        target = c1.selectbox("Version", ids, key="md_target")
        if c1.button("Promote"):
            state.write_action(store.promote, target)
            st.success(f"{target} is active; run `dealradar classify` to relabel with it")
            st.rerun()
        if c2.button("Roll back to the previous version"):
            state.write_action(store.rollback)
            st.rerun()
st.subheader("Retrain")
job = jobs.retrain_status()
if job and job["state"] == "running":
    st.info("Training is running in the background; the app stays usable.")
    if job.get("total"):
        st.progress(min(1.0, job["step"] / job["total"]), text=f"step {job['step']} of {job['total']}")
    st.code(job.get("log_tail", ""), language=None)
    st.button("Refresh progress")
elif state.can_edit():
    if job:
        st.caption(f"Last retrain: {job['state']}")
        with st.expander("Log of the last retrain"):
            st.code(job.get("log_tail", ""), language=None)
    profile = st.selectbox("Profile", list(PROFILES), key="md_profile")
    if st.button("Retrain on the corpus plus analysts' labels", type="primary"):
        try:
            jobs.start_retrain(state.db_path(), profile)
        except ModelError as e:
            st.error(str(e))
            st.stop()
        st.rerun()
