"""Plotly figures from query DataFrames: DataFrame -> Figure. No Streamlit, no SQL here."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dealradar.taxonomy import load_taxonomy

PALETTE = px.colors.qualitative.Safe + px.colors.qualitative.Pastel


def sector_colors() -> dict[str, str]:
    """A fixed colour per sector id, the same on every chart."""
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(load_taxonomy().sectors)}


def _empty(title: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, annotations=[{"text": "no data for these filters", "showarrow": False,
                                                  "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}])
    return fig


def capital_by_sector(df: pd.DataFrame, measure: str = "capital_usd") -> go.Figure:
    """Stacked bars per period and sector; provisional periods are hatched and flagged."""
    title = "Capital by sector (USD)" if measure == "capital_usd" else "Deals by sector"
    if df.empty:
        return _empty(title)
    tax = load_taxonomy()
    colors = sector_colors()
    present = set(df["sector"])
    traces = []
    for sector in [s for s in tax.sectors if s in present]:
        part = df[df["sector"] == sector]
        traces.append(go.Bar(
            x=part["period"], y=part[measure], name=tax.sector_name(sector),
            marker={"color": colors[sector], "pattern": {"shape": ["/" if p else "" for p in part["provisional"]]}},
            customdata=list(zip([sector] * len(part), part["deals"], part["provisional"], strict=True)),
            hovertemplate="%{x|%Y-%m}<br>" + tax.sector_name(sector) +
            ("<br>$%{y:,.0f}" if measure == "capital_usd" else "<br>%{y} deals") + "<br>%{customdata[1]} deals<extra></extra>"))
    layout = {"barmode": "stack", "title": {"text": title}, "legend": {"title": {"text": "sector"}},
              "hovermode": "closest", "yaxis": {"title": {"text": "USD" if measure == "capital_usd" else "deals"}}}
    prov = df[df["provisional"]]["period"]
    if len(prov):
        layout["shapes"] = [{"type": "rect", "xref": "x", "yref": "paper", "x0": prov.min(), "x1": prov.max(),
                             "y0": 0, "y1": 1, "fillcolor": "grey", "opacity": 0.08, "line": {"width": 0}}]
        layout["annotations"] = [{"x": prov.min(), "y": 1, "xref": "x", "yref": "paper", "text": "provisional",
                                  "showarrow": False, "xanchor": "left", "yanchor": "bottom"}]
    return go.Figure(data=traces, layout=layout)


def signal_mix(df: pd.DataFrame) -> go.Figure:
    """Events per period by funding signal."""
    if df.empty:
        return _empty("Signal mix")
    traces = [go.Scatter(x=part["period"], y=part["events"], name=sig, stackgroup="events", mode="lines")
              for sig in load_taxonomy().signals if not (part := df[df["signal"] == sig]).empty]
    return go.Figure(data=traces, layout={"title": {"text": "Signal mix over time"}, "hovermode": "x unified",
                                          "legend": {"title": {"text": "signal"}}})


def stage_mix(df: pd.DataFrame) -> go.Figure:
    """Deals per round stage."""
    if df.empty:
        return _empty("Stage mix")
    order = {s: i for i, s in enumerate(load_taxonomy().round_stages)}
    d = df.sort_values("round_stage", key=lambda s: s.map(order))
    fig = go.Figure(go.Bar(x=d["round_stage"], y=d["deals"], customdata=d["capital_usd"],
                           hovertemplate="%{x}: %{y} deals, $%{customdata:,.0f}<extra></extra>"))
    fig.update_layout(title="Rounds by stage", yaxis_title="deals")
    return fig


def top_investors(df: pd.DataFrame) -> go.Figure:
    """Deals led and participated in per investor."""
    if df.empty:
        return _empty("Top investors")
    fig = go.Figure([go.Bar(y=df["investor"], x=df[role], name=role, orientation="h")
                     for role in ("led", "participated")])
    fig.update_layout(barmode="stack", title="Top investors", xaxis_title="deals",
                      yaxis={"categoryorder": "total ascending"})
    return fig


def largest_deals(df: pd.DataFrame) -> go.Figure:
    """Horizontal bars of the largest deals."""
    if df.empty:
        return _empty("Largest deals")
    colors = sector_colors()
    d = df.assign(label=df["company"].fillna("?") + " (" + df["announced_at"].dt.strftime("%Y-%m") + ")")
    fig = go.Figure(go.Bar(x=d["amount_usd"], y=d["label"], orientation="h",
                           marker_color=[colors.get(s, "#888") for s in d["sector"]],
                           customdata=d["deal_id"], hovertemplate="%{y}<br>$%{x:,.0f}<extra></extra>"))
    fig.update_layout(title="Largest deals", yaxis={"autorange": "reversed"}, xaxis_title="USD")
    return fig


def per_class_f1(versions: list[tuple[str, dict]], head: str) -> go.Figure:
    """Grouped bars of per-class F1 on the test split for several versions."""
    rows = []
    for vid, report in versions:
        for cls, v in report.get("per_class", {}).items():
            rows.append({"version": vid, "class": cls, "f1": v["f1"]})
    if not rows:
        return _empty(f"{head} per-class F1")
    return px.bar(pd.DataFrame(rows), x="class", y="f1", color="version", barmode="group",
                  title=f"{head}: per-class F1 (test split)", range_y=[0, 1])


def confusion_heatmap(report: dict, title: str) -> go.Figure:
    """Confusion matrix (rows true, columns predicted)."""
    labels = report.get("labels", [])
    if not labels:
        return _empty(title)
    fig = px.imshow(report["confusion"], x=labels, y=labels, text_auto=True, color_continuous_scale="Blues",
                    labels={"x": "predicted", "y": "true", "color": "articles"}, title=title, aspect="auto")
    return fig


def sector_shift(df: pd.DataFrame) -> go.Figure:
    """Capital per sector under the active and the candidate version."""
    if df.empty:
        return _empty("Effect on sector totals")
    long = df.melt(id_vars="sector", value_vars=["capital_a", "capital_b"], var_name="version", value_name="capital_usd")
    long["version"] = long["version"].map({"capital_a": "active", "capital_b": "candidate"})
    return px.bar(long, x="sector", y="capital_usd", color="version", barmode="group", title="Effect on sector totals")
