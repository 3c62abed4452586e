"""charts.py: DataFrame -> Figure with the expected traces and values."""

import pandas as pd

from dashboard import charts


def test_capital_by_sector_stacks_one_trace_per_sector_and_hatches_provisional():
    df = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-04-01"]),
                       "sector": ["fintech", "robotics", "robotics"], "capital_usd": [30e6, 10e6, 5e6],
                       "deals": [1, 1, 1], "provisional": [False, False, True]})
    fig = charts.capital_by_sector(df)
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["Fintech & insurance", "Robotics & industrial automation"]
    assert list(fig.data[1].y) == [10e6, 5e6]
    assert list(fig.data[1].marker.pattern.shape) == ["", "/"]
    assert fig.data[1].customdata[1][0] == "robotics"
    assert fig.layout.shapes[0].type == "rect"
    counts = charts.capital_by_sector(df, "deals")
    assert list(counts.data[0].y) == [1] and counts.layout.title.text == "Deals by sector"


def test_empty_frames_give_an_annotated_figure():
    fig = charts.capital_by_sector(pd.DataFrame(columns=["period", "sector", "capital_usd", "deals", "provisional"]))
    assert fig.layout.annotations[0].text == "no data for these filters"
    assert charts.signal_mix(pd.DataFrame()).layout.annotations[0].text == "no data for these filters"


def test_top_investors_and_confusion():
    df = pd.DataFrame({"investor": ["Foo", "Bar"], "led": [2, 1], "participated": [0, 1], "deals": [2, 2],
                       "led_capital_usd": [15e6, 30e6]})  # the columns queries.top_investors returns
    fig = charts.top_investors(df)
    assert {t.name: list(t.x) for t in fig.data} == {"led": [2, 1], "participated": [0, 1]}
    cm = charts.confusion_heatmap({"labels": ["a", "b"], "confusion": [[3, 1], [0, 4]]}, "cm")
    assert cm.data[0].z.tolist() == [[3, 1], [0, 4]]


def test_per_class_f1_groups_versions():
    rep = {"per_class": {"a": {"f1": 0.5}, "b": {"f1": 1.0}}}
    fig = charts.per_class_f1([("v1", rep), ("v2", rep)], "sector")
    assert [t.name for t in fig.data] == ["v1", "v2"] and list(fig.data[0].y) == [0.5, 1.0]
