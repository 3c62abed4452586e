#!/usr/bin/env python3
"""Benchmark DealRadar's ingest against DuckDB's own reader and a hand-written pandas loader.

Usage (from the repository root):
    python bench/bench_ingest.py [--rows 1000000] [--small 100000] [--pandas-rows 20000]
                                 [--extract-rows 100000] [--repeat 1] [--workdir DIR] [--keep]

Generates synthetic funding news (title, a sentence or two of body, date, URL, outlet; about 1% of the
rows repeat an earlier story under a tracking-parameter URL, a few have HTML entities, RFC 822 dates or
no title) as CSV and as Parquet, then measures, each variant in a fresh subprocess so that peak RSS
(getrusage ru_maxrss) is its own:

  ceiling     DuckDB's read_csv / read_parquet into a table of a new database file
  pandas      pandas.read_csv + executemany INSERT into DuckDB (on --pandas-rows, extrapolated)
  loader      etl.ingest.ingest(IngestOptions(extract=False)) into a new warehouse
  extract     the same with deal-fact extraction (link=False), on --extract-rows rows

and the loader's peak RSS on --small rows against --rows rows. Prints a table and the ratios, writes
bench/results/ingest.json. Timings exclude interpreter start and imports; RSS includes them (see the
"imports only" row).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RESULTS = REPO / "bench" / "results" / "ingest.json"

SYLLABLES = ["ka", "ze", "lo", "mi", "tra", "vo", "nex", "qui", "ro", "sa", "bel", "dor", "fin", "gar", "hal",
             "jor", "kel", "lum", "mor", "nor", "pal", "ruv", "sol", "tek", "ul", "var", "wen", "xan", "yor", "zul",
             "bra", "cro", "dri", "flo", "gri", "pla", "stu", "vex", "zor", "lix"]
SUFFIXES = ["", "", " AI", " Labs", " Robotics", " Health", " Pay", " Systems", " Bio", " Security"]
OUTLETS = [("TechCrunch", "techcrunch.com"), ("VentureBeat", "venturebeat.com"), ("Sifted", "sifted.eu"),
           ("Reuters", "reuters.com"), ("The Information", "theinformation.com"), ("Axios Pro", "axios.com")]
STAGES = ["seed", "pre-seed", "Series A", "Series B", "Series C", "Series D", "growth"]
INVESTORS = ["Sequoia Capital", "Accel", "Index Ventures", "Andreessen Horowitz", "Lightspeed", "General Catalyst",
             "Khosla Ventures", "Balderton", "Insight Partners", "Tiger Global"]
FIELDS = ["AI agents for sales teams", "GPU cloud capacity", "drug discovery models", "warehouse robots",
          "fraud detection & payments", "coding assistants", "satellite imagery", "battery chemistry"]
TITLES = [
    "{c} raises {a} {s} led by {i}",
    "{c} lands {a} {s} to build {f}",
    "{i} leads {a} {s} in {c}",
    "{c} secures {a} in {s} funding",
    "Exclusive: {c} closes {a} {s} round at a {v} valuation",
    "{b} acquires {c} for {a}",
    "{c} — maker of {f} — raises {a}",
]
BODIES = [
    "{c}, a startup building {f}, said on Tuesday it had raised {a} in a {s} round led by {i}.",
    "The company will use the money to hire engineers and expand into Europe, chief executive {p} said.",
    "{i} and {j} also took part in the round, which values {c} at {v}.",
]
PEOPLE = ["Jane Doe", "Ravi Patel", "Ana Lima", "Tom Berg", "Mei Chen"]


def _name(k: int) -> str:
    parts = []
    n = k
    for _ in range(4):
        parts.append(SYLLABLES[n % len(SYLLABLES)])
        n //= len(SYLLABLES)
    return "".join(parts[: 2 + k % 2]).capitalize() + "".join(parts[2 + k % 2:]) + SUFFIXES[k % len(SUFFIXES)]


def _amount(r) -> str:
    cur = r.choice(["$", "$", "$", "€", "£"])
    v = r.choice([1.5, 2, 3, 5, 8, 12, 15, 20, 25, 40, 50, 75, 100, 150, 250, 400])
    if v >= 250 and r.random() < 0.5:
        return f"{cur}{v / 1000:g} billion"
    return f"{cur}{v:g}{r.choice(['M', ' million', 'm'])}"


def generate(n: int, csv_path: Path, parquet_path: Path, seed: int = 7) -> dict:
    """Write n synthetic rows as CSV and Parquet; return what they hold."""
    import random

    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    r = random.Random(seed)
    cols: dict[str, list] = {"title": [], "body": [], "published_at": [], "url": [], "outlet": []}
    stats = {"repeats": 0, "no_title": 0, "entities": 0, "rfc822_dates": 0}
    for k in range(n):
        if k > 10 and r.random() < 0.01:  # syndicated copy of an earlier story
            j = r.randrange(max(0, k - 5000), k)
            for c in cols:
                cols[c].append(cols[c][j])
            cols["url"][-1] = cols["url"][-1].split("?")[0] + "?utm_source=syndication&utm_medium=feed"
            stats["repeats"] += 1
            continue
        c, (outlet, host) = _name(k), r.choice(OUTLETS)
        i, j = r.sample(INVESTORS, 2)
        words = dict(c=c, a=_amount(r), s=r.choice(STAGES), i=i, j=j, b=r.choice(INVESTORS), f=r.choice(FIELDS),
                     v=f"${r.choice([1, 2, 5, 12])} billion", p=r.choice(PEOPLE))
        title = r.choice(TITLES).format(**words)
        body = " ".join(t.format(**words) for t in BODIES[: r.randint(1, 2)])
        if r.random() < 0.02:
            title = title.replace(" & ", " &amp; ").replace(" — ", " &mdash; ") + " &#8211; report"
            stats["entities"] += 1
        if r.random() < 0.002:
            title = ""
            stats["no_title"] += 1
        y, m, d = 2024, r.randint(1, 12), r.randint(1, 28)
        if r.random() < 0.01:
            date = f"{['Mon', 'Tue', 'Wed'][d % 3]}, {d:02d} {['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]} {y} 09:30:00 +0000"
            stats["rfc822_dates"] += 1
        elif r.random() < 0.3:
            date = f"{y}-{m:02d}-{d:02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00Z"
        else:
            date = f"{y}-{m:02d}-{d:02d}"
        slug = "-".join(w for w in "".join(ch if ch.isalnum() and ch.isascii() else " "
                                           for ch in title.lower()).split()[:8])
        url = f"https://www.{host}/{y}/{m:02d}/{d:02d}/{slug}-{k}/" + ("?utm_source=rss" if r.random() < 0.3 else "")
        for col, v in zip(cols, (title, body, date, url, outlet), strict=True):
            cols[col].append(v)
    table = pa.table(cols)
    pq.write_table(table, parquet_path)
    pacsv.write_csv(table, csv_path)
    return {"rows": n, **stats, "csv_mb": round(csv_path.stat().st_size / 1e6, 1),
            "parquet_mb": round(parquet_path.stat().st_size / 1e6, 1)}


# --- variants, each run in a fresh subprocess ---------------------------------------------------------

def _peak_mb() -> float:
    """This process's peak RSS. VmHWM, not getrusage's ru_maxrss: on Linux a child's ru_maxrss starts at
    the RSS of the parent it was forked from."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def child(variant: str, path: str, db: str, rows: int) -> dict:
    import duckdb

    out: dict = {"variant": variant, "file": Path(path).name}
    if variant == "imports":
        import pandas  # noqa: F401

        from etl.ingest import IngestOptions, ingest  # noqa: F401
        out.update(rows=0, seconds=0.0)
    elif variant == "ceiling":
        reader = "read_csv" if path.endswith(".csv") else "read_parquet"
        t = time.perf_counter()
        con = duckdb.connect(db)
        con.execute(f"CREATE TABLE news AS SELECT * FROM {reader}(?)", [path])
        n = con.execute("SELECT count(*) FROM news").fetchall()[0][0]
        con.close()
        out.update(rows=n, seconds=time.perf_counter() - t)
    elif variant == "pandas":
        import pandas as pd

        t = time.perf_counter()
        df = pd.read_csv(path, nrows=rows)
        con = duckdb.connect(db)
        con.execute("CREATE TABLE news (title VARCHAR, body VARCHAR, published_at VARCHAR, url VARCHAR, outlet VARCHAR)")
        con.executemany("INSERT INTO news VALUES (?, ?, ?, ?, ?)",
                        df[["title", "body", "published_at", "url", "outlet"]].astype(object)
                        .where(df.notna(), None).values.tolist())
        con.close()
        out.update(rows=len(df), seconds=time.perf_counter() - t)
    elif variant in ("loader", "extract"):
        from etl.ingest import IngestOptions, ingest

        opts = IngestOptions(extract=variant == "extract", link=False, progress=False)
        t = time.perf_counter()
        [s] = ingest(db, [path], opts)
        out.update(rows=s["read"], seconds=time.perf_counter() - t, loaded=s["loaded"],
                   duplicates=s["duplicates"], rejected=s["rejected"])
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if workers:  # an upper bound: it includes this process's RSS when it forked them
            out["worker_peak_rss_mb_upper_bound"] = round(workers, 1)
    else:
        raise SystemExit(f"unknown variant {variant}")
    out["peak_rss_mb"] = round(_peak_mb(), 1)
    out["rows_per_s"] = round(out["rows"] / out["seconds"]) if out["seconds"] else None
    return out


def run_variant(variant: str, path: Path, workdir: Path, rows: int = 0, repeat: int = 1) -> dict:
    best = None
    for _ in range(max(1, repeat)):
        db = workdir / f"{variant}-{path.stem}.duckdb"
        for p in (db, Path(str(db) + ".wal")):
            if p.exists():
                p.unlink()
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", variant, "--file", str(path), "--db", str(db),
               "--rows", str(rows)]
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
        if res.returncode != 0:
            raise SystemExit(f"{variant} on {path.name} failed:\n{res.stderr[-3000:]}")
        out = json.loads(res.stdout.strip().splitlines()[-1])
        if best is None or (out["seconds"] or 0) < best["seconds"]:
            best = out
        for p in (db, Path(str(db) + ".wal")):
            if p.exists():
                p.unlink()
    print(f"  {variant:8} {path.name:28} {best['rows']:>9,} rows {best['seconds']:8.2f} s "
          f"{best.get('rows_per_s') or 0:>9,} rows/s  peak RSS {best['peak_rss_mb']:7.1f} MB", flush=True)
    return best


def head_csv(src: Path, dst: Path, n: int) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if src.suffix == ".parquet":
        pq.write_table(pq.read_table(src).slice(0, n), dst)
    else:
        pacsv.write_csv(pacsv.read_csv(src).slice(0, n), dst)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--small", type=int, default=100_000, help="rows of the file the memory comparison uses")
    ap.add_argument("--pandas-rows", type=int, default=20_000, help="rows the pandas loader is timed on")
    ap.add_argument("--extract-rows", type=int, default=100_000, help="rows the extracting loader is timed on")
    ap.add_argument("--repeat", type=int, default=1,
                    help="best of this many runs of the ceiling and loader variants (the machine may be shared)")
    ap.add_argument("--workdir", type=Path, help="where to put the data (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON results")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.file, args.db, args.rows)))
        return 0

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dealradar-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        n = args.rows
        small = min(args.small, n)
        ext_rows = min(args.extract_rows, n)
        t = time.perf_counter()
        files = {"csv": workdir / f"news-{n}.csv", "parquet": workdir / f"news-{n}.parquet"}
        data = generate(n, files["csv"], files["parquet"])
        print(f"generated {n:,} rows in {time.perf_counter() - t:.1f} s: {data}", flush=True)
        subsets: dict[tuple[str, int], Path] = {}
        for fmt, path in files.items():
            for k in sorted({small, ext_rows}):
                if k < n:
                    sub = workdir / f"news-{k}.{fmt}"
                    head_csv(path, sub, k)
                    subsets[(fmt, k)] = sub
                else:
                    subsets[(fmt, k)] = path

        results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                     "platform": platform.platform(),
                                     "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
                         "data": data, "variants": {}}
        v = results["variants"]
        print("measuring (each variant in a fresh process):", flush=True)
        v["imports"] = run_variant("imports", files["csv"], workdir)
        for fmt, path in files.items():
            v[f"ceiling_{fmt}"] = run_variant("ceiling", path, workdir, repeat=args.repeat)
            v[f"loader_{fmt}"] = run_variant("loader", path, workdir, repeat=args.repeat)
            v[f"loader_{fmt}_small"] = run_variant("loader", subsets[(fmt, small)], workdir, repeat=args.repeat)
            v[f"extract_{fmt}"] = run_variant("extract", subsets[(fmt, ext_rows)], workdir)
        v["pandas_csv"] = run_variant("pandas", files["csv"], workdir, rows=min(args.pandas_rows, n))
        v["pandas_csv"]["extrapolated_from_rows"] = v["pandas_csv"]["rows"]

        ratios = {}
        for fmt in files:
            ours = v[f"loader_{fmt}"]["rows_per_s"]
            ratios[f"loader_{fmt}/ceiling_{fmt}"] = round(ours / v[f"ceiling_{fmt}"]["rows_per_s"], 3)
            ratios[f"loader_{fmt}/pandas_csv"] = round(ours / v["pandas_csv"]["rows_per_s"], 1)
            ratios[f"extract_{fmt}/ceiling_{fmt}"] = round(v[f"extract_{fmt}"]["rows_per_s"]
                                                          / v[f"ceiling_{fmt}"]["rows_per_s"], 3)
        results["ratios"] = ratios
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        results["targets"] = {
            "loader >= 50% of ceiling (csv, parquet)": [ratios["loader_csv/ceiling_csv"] >= 0.5,
                                                        ratios["loader_parquet/ceiling_parquet"] >= 0.5],
            "extract >= 20,000 rows/s (csv, parquet)": [v["extract_csv"]["rows_per_s"] >= 20_000,
                                                        v["extract_parquet"]["rows_per_s"] >= 20_000],
            f"loader peak RSS {small:,} vs {n:,} rows (csv MB)": [v["loader_csv_small"]["peak_rss_mb"],
                                                                  v["loader_csv"]["peak_rss_mb"]],
        }

        print()
        print(f"{'variant':26} {'rows':>10} {'seconds':>9} {'rows/s':>10} {'peak RSS MB':>12}")
        for name, r in v.items():
            label = name + (" (extrapolated)" if "extrapolated_from_rows" in r else "")
            print(f"{label:26} {r['rows']:>10,} {r['seconds']:>9.2f} {r['rows_per_s'] or 0:>10,} "
                  f"{r['peak_rss_mb']:>12.1f}" + (f"  (+ workers, each <= {r['worker_peak_rss_mb_upper_bound']} MB)"
                                                  if r.get("worker_peak_rss_mb_upper_bound") else ""))
        print()
        for k, val in ratios.items():
            print(f"{k:36} {val}")
        for k, val in results["targets"].items():
            print(f"target: {k}: {val}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwrote {args.out}")
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
