"""Dashboard speed on a scale warehouse: each page's first render (cold cache) and an interaction,
through Streamlit's AppTest (the real scripts, queries and charts, no browser), plus the raw query times.

Usage: python bench/make_scale_warehouse.py && python bench/bench_dashboard.py [--db var/scale.duckdb]
Writes bench/results/dashboard.json. Targets: first render < 2 s, interaction < 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

INTERACTIONS = {
    "overview": lambda at: at.sidebar.multiselect(key="ov_sectors").set_value(["fintech"]),
    "sectors": lambda at: at.multiselect(key="sec_pick").set_value(["fintech", "robotics"]),
    "deals": lambda at: at.sidebar.text_input(key="dl_inv").set_value("Investor 42"),
    "articles": lambda at: at.sidebar.text_input(key="ar_search").set_value("update"),
    "companies": lambda at: at.text_input(key="co_search").set_value("Company 1"),
    "review": lambda at: at.button(key="rv_skip").click(),
    "model": lambda at: at.multiselect(key="md_pick").set_value([]),
    "reports": lambda at: at.radio(key="rp_fmt").set_value("xlsx"),
}


def time_pages(db: Path, repeats: int) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["DEALRADAR_DB"] = str(db)
    out = {}
    for name, act in INTERACTIONS.items():
        firsts, inters = [], []
        for _ in range(repeats):
            st.cache_data.clear()
            at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
            at.switch_page(f"pages/{name}.py")
            t0 = time.perf_counter()
            at.run()
            firsts.append(time.perf_counter() - t0)
            if at.exception:
                raise RuntimeError(f"{name}: {at.exception[0].message}")
            act(at)
            t0 = time.perf_counter()
            at.run()
            inters.append(time.perf_counter() - t0)
            if at.exception:
                raise RuntimeError(f"{name} interaction: {at.exception[0].message}")
        out[name] = {"first_render_s": round(statistics.median(firsts), 3),
                     "interaction_s": round(statistics.median(inters), 3)}
        print(f"{name:<10} first render {out[name]['first_render_s']:.3f} s   interaction {out[name]['interaction_s']:.3f} s")
    return out


def time_queries(db: Path) -> dict:
    from dashboard import queries as q
    from dealradar.warehouse import open_warehouse

    f = q.Filters(start=date(2015, 1, 1), end=date(2026, 10, 31))
    calls = {
        "kpis": lambda c: q.kpis(c, f), "capital_by_sector": lambda c: q.capital_by_sector(c, f),
        "signal_mix": lambda c: q.signal_mix(c, f), "largest_deals": lambda c: q.largest_deals(c, f),
        "deals_table": lambda c: q.deals_table(c, f), "top_investors": lambda c: q.top_investors(c, f),
        "articles_table": lambda c: q.articles_table(c, q.ArticleFilters(search="update")),
        "review_queue": lambda c: q.review_queue(c, 20), "data_version": q.data_version,
    }
    out = {}
    with open_warehouse(db) as con:
        for name, fn in calls.items():
            fn(con)
            t0 = time.perf_counter()
            fn(con)
            out[name] = round(time.perf_counter() - t0, 4)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / "var" / "scale.duckdb"))
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    db = Path(a.db)
    if not db.exists():
        raise SystemExit(f"{db} missing: run python bench/make_scale_warehouse.py first")
    from dealradar.warehouse import open_warehouse

    with open_warehouse(db) as con:
        size = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "deals")}
    print(f"warehouse {db}: {size}")
    pages = time_pages(db, a.repeats)
    queries = time_queries(db)
    worst_first = max(v["first_render_s"] for v in pages.values())
    worst_inter = max(v["interaction_s"] for v in pages.values())
    result = {"machine": f"{platform.machine()} {os.cpu_count()} cores", "warehouse": size, "pages": pages,
              "queries_s": queries, "worst_first_render_s": worst_first, "worst_interaction_s": worst_inter,
              "targets": {"first_render_s": 2.0, "interaction_s": 0.5}}
    path = ROOT / "bench" / "results" / "dashboard.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"worst first render {worst_first:.3f} s (target 2.0), worst interaction {worst_inter:.3f} s (target 0.5)")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
