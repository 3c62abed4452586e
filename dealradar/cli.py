"""The `dealradar` command: thin wrappers over library calls; domain errors become one line and an exit code."""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

from dealradar import __version__
from dealradar.errors import ContractError, DealRadarError, InputError
from dealradar.logging_setup import configure_logging
from dealradar.paths import CORPUS_FILE, PROJECT_ROOT, default_db_path

log = logging.getLogger("dealradar")
BUNDLED_SOURCE = "bundled:corpus"


def _db(args) -> Path:
    return Path(args.db).expanduser() if getattr(args, "db", None) else default_db_path()


def _out(msg: str) -> None:
    print(msg, flush=True)


# --- commands ------------------------------------------------------------------------------

def cmd_init(args) -> int:
    from dealradar.warehouse import open_warehouse, warehouse_info
    from etl.companies import ensure_registry

    with open_warehouse(_db(args)) as con:
        ensure_registry(con)
        info = warehouse_info(con)
    _out(f"warehouse {_db(args)} ready (schema v{info['schema_version']}, {info['articles']} articles, "
         f"{info['companies']} companies)")
    return 0


def cmd_ingest(args) -> int:
    from etl.ingest import IngestOptions, ingest
    from etl.records import parse_mapping

    since = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since)
        except ValueError as e:
            raise InputError(f"--since {args.since!r}: expected a date like 2024-01-31") from e
    sources = args.sources or [str(CORPUS_FILE)]
    opts = IngestOptions(fmt=args.format, source_name=args.source or (BUNDLED_SOURCE if not args.sources else None),
                         mapping=parse_mapping(args.map), since=since, dayfirst=args.dayfirst,
                         batch_size=args.batch_size, progress=not args.quiet)
    summaries = ingest(_db(args), sources, opts)
    total = {"read": 0, "loaded": 0, "duplicates": 0, "rejected": 0}
    for s in summaries:
        _out(f"{s['source']}: read {s['read']}, loaded {s['loaded']}, duplicates {s['duplicates']}, "
             f"rejected {s['rejected']} (run {s['run_id']})")
        for k in total:
            total[k] += s[k]
    if not args.no_deals:
        _rebuild_deals(_db(args))
    if total["rejected"]:
        _out(f"{total['rejected']} rejected rows are in the rejects table: dealradar rejects --db {_db(args)}")
    return 0


def _rebuild_deals(db) -> dict:
    from dealradar.warehouse import open_warehouse
    from etl.companies import add_inferred_companies
    from etl.deals import rebuild_deals

    with open_warehouse(db) as con:
        stats = rebuild_deals(con)
        stats["new_companies"] = add_inferred_companies(con)
        return stats


def cmd_rejects(args) -> int:
    from dealradar.warehouse import open_warehouse

    with open_warehouse(_db(args), create=False) as con:
        rows = con.execute("SELECT run_id, source, position, reason, left(raw, 80) FROM rejects "
                           "ORDER BY reject_id DESC LIMIT ?", [args.limit]).fetchall()
    for r in rows:
        _out(f"run {r[0]} {r[1]}:{r[2]}  {r[3]}  {r[4]!r}")
    if not rows:
        _out("no rejects")
    return 0


def cmd_extract(args) -> int:
    from etl.extract_file import extract_file

    n = extract_file(args.input, args.output, mapping=args.map)
    _out(f"wrote deal facts of {n} rows to {args.output}")
    return 0


def _train_config(args):
    from classifier.config import TrainConfig

    return TrainConfig.from_profile(
        args.profile, base_model=args.base_model, method=args.method, device=args.device, epochs=args.epochs,
        max_length=args.max_length, batch_size=args.batch_size, learning_rate=args.lr, seed=args.seed,
        grad_accum=args.grad_accum, max_steps=args.max_steps, promote_tolerance=args.tolerance)


def cmd_train(args) -> int:
    from classifier.runs import run_training

    cfg = _train_config(args)
    mode = "always" if args.promote else "never" if args.no_promote else "auto"
    res = run_training(_db(args), cfg, promote_mode=mode, corpus_path=args.corpus or CORPUS_FILE,
                       progress=not args.quiet, on_progress=_progress_writer())
    if res is None:  # a non-main rank of a distributed run
        return 0
    _out(f"model version {res.version_id} saved to {res.path}")
    for line in res.lines:
        _out("  " + line)
    for split, heads in res.comparison.items():
        for h, v in heads.items():
            m = v["macro_f1"]
            _out(f"  vs active, {split} {h}: macro-F1 {m['before']:.3f} -> {m['after']:.3f} ({m['delta']:+.3f})")
            changed = [f"{c} {d['delta']:+.2f}" for c, d in v["per_class"].items() if abs(d["delta"]) >= 0.05]
            if changed:
                _out("    per class: " + ", ".join(changed))
    _out(res.reason)
    if args.no_classify:
        return 0
    if res.promoted:
        return cmd_classify(argparse.Namespace(db=args.db, all=True, quiet=args.quiet, device="cpu"))
    from classifier.runs import classify_warehouse

    out = classify_warehouse(_db(args), all_articles=True, progress=not args.quiet, version_id=res.version_id)
    _out(f"classified {out['classified']} articles with the candidate {res.version_id} (for comparison; "
         "the active version's labels stay in force)")
    return 0


def _progress_writer():
    """When $DEALRADAR_PROGRESS_FILE is set (background retrain), record step/total there."""
    path = os.environ.get("DEALRADAR_PROGRESS_FILE")
    if not path:
        return None

    def write(p: dict) -> None:
        try:
            rec = json.loads(Path(path).read_text() or "{}")
        except (OSError, ValueError):
            rec = {}
        rec.update(step=p["step"], total=p["total"], epoch=p["epoch"], loss=p["loss"])
        tmp = Path(path).with_suffix(".tmp")
        tmp.write_text(json.dumps(rec))
        os.replace(tmp, path)
    return write


def cmd_classify(args) -> int:
    from classifier.runs import classify_warehouse

    res = classify_warehouse(_db(args), all_articles=args.all, progress=not args.quiet,
                             device=getattr(args, "device", "cpu"))
    stats = _rebuild_deals(_db(args))
    _out(f"classified {res['classified']} articles with {res['version_id']}; {stats['deals']} deals")
    return 0


def cmd_predict(args) -> int:
    from classifier.predict_file import predict_file

    n, vid = predict_file(_db(args), args.input, args.output, mapping=args.map)
    _out(f"wrote predictions of {n} rows to {args.output} (model {vid})")
    return 0


def cmd_check(args) -> int:
    from dealradar.contracts import run_contracts
    from dealradar.warehouse import open_warehouse

    with open_warehouse(_db(args), create=False) as con:
        results = run_contracts(con)
    failed = [r for r in results if not r.ok]
    for r in results:
        if not r.ok or args.verbose:
            _out(f"{'FAIL' if not r.ok else 'ok  '} {r.name}" + (f": {r.failures} rows, e.g. {r.sample[:2]}" if not r.ok else ""))
    _out(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise ContractError(f"{len(failed)} data contracts failed in {_db(args)}")
    return 0


def cmd_report(args) -> int:
    from dashboard.reports import ReportRequest, write_report
    from dealradar.warehouse import open_warehouse

    req = ReportRequest.from_strings(sector=args.sector, start=args.start, end=args.end, fmt=args.format,
                                     created_by=os.environ.get("USER", "cli"))
    with open_warehouse(_db(args), create=False) as con:
        path = write_report(con, req, Path(args.output))
    _out(f"wrote {req.fmt} report to {path}")
    return 0


def cmd_models(args) -> int:
    from classifier import store
    from dealradar.warehouse import open_warehouse

    with open_warehouse(_db(args), create=args.action != "list") as con:
        if args.action == "list":
            rows = store.list_versions(con)
            if not rows:
                _out("no model versions; run `dealradar train`")
            for r in rows:
                m = r["metrics"] or {}
                t = m.get("test", {})
                _out(f"{'*' if r['status'] == 'active' else ' '} {r['version_id']}  {r['status']:<9} "
                     f"{r['method']:<4} {r['profile'] or '':<7} sector F1 {t.get('sector', {}).get('macro_f1', 0):.3f}  "
                     f"signal F1 {t.get('signal', {}).get('macro_f1', 0):.3f}  {r['device']}  {r['created_at']:%Y-%m-%d %H:%M}")
            return 0
        if args.action == "show":
            v = store.get_version(con, args.version) if args.version else store.active_version(con)
            if v is None:
                raise DealRadarError("no active model version")
            _out(json.dumps(v, indent=2, default=str))
            return 0
        if args.action == "promote":
            v = store.promote(con, args.version)
        elif args.action == "rollback":
            v = store.rollback(con)
        elif args.action == "delete":
            v = store.delete_version(con, args.version)
        else:
            raise InputError(f"unknown action {args.action}")
    _out(f"{v['version_id']}: {v['status']}")
    if args.action in ("promote", "rollback"):
        return cmd_classify(argparse.Namespace(db=args.db, all=False, quiet=True, device="cpu"))
    return 0


def cmd_deals(args) -> int:
    from dealradar.warehouse import open_warehouse
    from etl import deals

    with open_warehouse(_db(args), create=args.action not in ("list", "show")) as con:
        if args.action == "list":
            rows = con.execute(
                "SELECT deal_id, signal, company, amount_usd, round_stage, n_articles, has_conflict, announced_at "
                "FROM mart_deals WHERE (? IS NULL OR company ILIKE '%' || ? || '%') "
                "ORDER BY amount_usd DESC NULLS LAST LIMIT ?", [args.company, args.company, args.limit]).fetchall()
            for r in rows:
                amt = f"${r[3] / 1e6:,.1f}M" if r[3] else "undisclosed"
                _out(f"{r[0]:>7}  {r[1]:<14} {str(r[2])[:30]:<30} {amt:>12}  {r[4] or '':<11} "
                     f"{r[5]} article(s){'  CONFLICT' if r[6] else ''}  {r[7].date() if r[7] else 'undated'}")
            return 0
        if args.action == "show":
            d = con.execute("SELECT * FROM mart_deals WHERE deal_id = ?", [args.ids[0]]).df()
            if d.empty:
                raise InputError(f"no deal with id {args.ids[0]}")
            _out(d.T.to_string())
            arts = con.execute("SELECT a.article_id, a.outlet, a.published_at, a.title FROM deal_articles da "
                               "JOIN articles a USING (article_id) WHERE da.deal_id = ? ORDER BY a.published_at",
                               [args.ids[0]]).fetchall()
            for a in arts:
                _out(f"  article {a[0]}  {a[1]}  {a[2].date() if a[2] else 'undated'}  {a[3]}")
            return 0
        if args.action == "merge":
            stats = deals.merge_deals(con, args.ids, by=os.environ.get("USER", "cli"))
        elif args.action == "split":
            stats = deals.split_deal(con, args.ids[0], args.ids[1:], by=os.environ.get("USER", "cli"))
        else:
            stats = deals.rebuild_deals(con)
    _out(f"{stats['deals']} deals ({stats['multi_report']} reported by several outlets, {stats['conflicts']} with conflicts)")
    return 0


def cmd_dashboard(args) -> int:
    env = {**os.environ, "DEALRADAR_DB": str(_db(args))}
    app = PROJECT_ROOT / "dashboard" / "app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.address", args.address]
    _out(f"serving the dashboard at http://localhost:{args.port} (Ctrl+C to stop)")
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0


def cmd_up(args) -> int:
    """init -> ingest bundled news -> train (quick) if no model -> classify -> deals -> dashboard."""
    from classifier import store
    from dealradar.warehouse import open_warehouse
    from etl.ingest import IngestOptions, ingest

    db = _db(args)
    with open_warehouse(db) as con:
        has_model = store.active_version(con) is not None
        done = con.execute("SELECT count(*) FROM ingest_runs WHERE source = ? AND status = 'completed'",
                           [BUNDLED_SOURCE]).fetchone()[0]
    corpus = args.corpus or str(CORPUS_FILE)
    if not done:
        for s in ingest(db, [corpus], IngestOptions(source_name=BUNDLED_SOURCE, progress=not args.quiet)):
            _out(f"bundled news: read {s['read']}, loaded {s['loaded']}, duplicates {s['duplicates']}, "
                 f"rejected {s['rejected']}")
    if not has_model:
        _out(f"no model yet: training the '{args.profile}' profile (a few minutes on a CPU)")
        ns = argparse.Namespace(**{**vars(args), "promote": False, "no_promote": False, "no_classify": True})
        cmd_train(ns)
    cmd_classify(argparse.Namespace(db=args.db, all=False, quiet=args.quiet, device="cpu"))
    if args.no_serve:
        return 0
    return cmd_dashboard(args)


# --- parser --------------------------------------------------------------------------------

def _positive_int(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {value}")
    return n


def _sub(subs, name: str, help_: str, example: str, func) -> argparse.ArgumentParser:
    p = subs.add_parser(name, help=help_, description=help_,
                        epilog="example:\n  " + example, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", help="warehouse file (default: $DEALRADAR_DB or <home>/dealradar.duckdb)")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    p.set_defaults(func=func)
    return p


def _train_args(p: argparse.ArgumentParser) -> None:
    from classifier.config import PROFILES, describe_profiles

    p.add_argument("--profile", default="quick", choices=list(PROFILES), help=describe_profiles())
    p.add_argument("--base-model", default=None, help="BERT-family model name or folder (default: packaged all-MiniLM-L6-v2)")
    p.add_argument("--method", choices=["full", "lora"], default=None, help="full fine-tuning (default) or LoRA via peft")
    p.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], default=None)
    p.add_argument("--epochs", type=float)
    p.add_argument("--max-length", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--grad-accum", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--seed", type=int)
    p.add_argument("--max-steps", type=int)
    p.add_argument("--tolerance", type=float, help="largest macro-F1 drop per head that still auto-promotes")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dealradar", description="DealRadar: where AI capital flows, by field, traceable to every article.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent("""\
            typical first run:
              dealradar up                 # build everything from the bundled data and serve the dashboard
            step by step:
              dealradar init && dealradar ingest && dealradar train && dealradar classify && dealradar dashboard"""))
    parser.add_argument("--version", action="version", version=f"dealradar {__version__}")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")

    _sub(subs, "init", "create or upgrade the warehouse and load the company registry",
         "dealradar init --db ~/radar.duckdb", cmd_init)

    p = _sub(subs, "ingest", "load news files, folders or feed URLs (default: the bundled news)",
             "dealradar ingest news.csv https://example.com/feed.xml --map title=Headline --since 2024-01-01", cmd_ingest)
    p.add_argument("sources", nargs="*", help="files (csv, tsv, json, jsonl, parquet, rss/atom xml, html), "
                   "folders of html pages, URL lists (.txt) or URLs")
    p.add_argument("--format", choices=["csv", "tsv", "json", "jsonl", "parquet", "feed", "html"])
    p.add_argument("--source", help="name to record for this source")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="map a field to a column, e.g. title=Headline")
    p.add_argument("--since", help="skip (reject) articles published before this date")
    p.add_argument("--dayfirst", action="store_true", help="read ambiguous dates like 03/04/2020 as day first")
    p.add_argument("--batch-size", type=_positive_int, default=None,
                   help="rows per transaction (default: 2,000 row by row, 122,880 on the bulk CSV/Parquet path)")
    p.add_argument("--no-deals", action="store_true", help="do not rebuild deals afterwards")
    p.add_argument("-q", "--quiet", action="store_true")

    p = _sub(subs, "rejects", "show the latest rejected rows and why", "dealradar rejects --limit 50", cmd_rejects)
    p.add_argument("--limit", type=_positive_int, default=20)

    p = _sub(subs, "extract", "write the deal facts of each row of a file without loading it",
             "dealradar extract headlines.csv -o facts.csv", cmd_extract)
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN")

    p = _sub(subs, "train", "fine-tune a new model version on the corpus plus analysts' labels",
             "dealradar train --profile default --method lora", cmd_train)
    _train_args(p)
    p.add_argument("--corpus", help="labelled corpus CSV (default: the bundled one)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--promote", action="store_true", help="promote even if a head's macro-F1 falls")
    g.add_argument("--no-promote", action="store_true", help="keep the new version as a candidate")
    p.add_argument("--no-classify", action="store_true", help="do not re-classify after promotion")

    p = _sub(subs, "classify", "label new articles (or --all) with the active model version",
             "dealradar classify --all", cmd_classify)
    p.add_argument("--all", action="store_true")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda", "mps"])
    p.add_argument("-q", "--quiet", action="store_true")

    p = _sub(subs, "predict", "classify a file of articles without loading it",
             "dealradar predict batch.csv -o labelled.csv", cmd_predict)
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN")

    _sub(subs, "check", "run the data contracts (unique, not_null, accepted_values, ...)", "dealradar check -v", cmd_check)

    p = _sub(subs, "report", "export a sector report (csv, xlsx, html, pdf)",
             "dealradar report --sector healthcare --start 2024-01-01 --end 2024-12-31 -f xlsx -o health.xlsx", cmd_report)
    p.add_argument("--sector", help="a sector id (default: all sectors)")
    p.add_argument("--start")
    p.add_argument("--end")
    p.add_argument("-f", "--format", default="csv", choices=["csv", "xlsx", "html", "pdf"])
    p.add_argument("-o", "--output", required=True)

    p = _sub(subs, "models", "list, show, promote, roll back or delete model versions",
             "dealradar models promote v20260101-120000-abc123", cmd_models)
    p.add_argument("action", choices=["list", "show", "promote", "rollback", "delete"])
    p.add_argument("version", nargs="?")

    p = _sub(subs, "deals", "list, show, merge, split or rebuild deals", "dealradar deals merge 12 40", cmd_deals)
    p.add_argument("action", choices=["list", "show", "merge", "split", "rebuild"])
    p.add_argument("ids", nargs="*", type=int, help="deal ids (merge), or deal id then article ids (split)")
    p.add_argument("--company")
    p.add_argument("--limit", type=_positive_int, default=30)

    p = _sub(subs, "dashboard", "serve the Streamlit dashboard", "dealradar dashboard --port 8501", cmd_dashboard)
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="0.0.0.0")

    p = _sub(subs, "up", "build everything from the bundled data (train if no model) and serve the dashboard",
             "dealradar up", cmd_up)
    _train_args(p)
    p.add_argument("--no-serve", action="store_true", help="stop before serving the dashboard")
    p.add_argument("--corpus", help="labelled corpus CSV to start from (default: the bundled one)")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="0.0.0.0")
    return parser


def _validate(args) -> None:
    if args.command == "models" and args.action in ("promote", "delete") and not args.version:
        raise InputError(f"models {args.action} needs a version id (see `dealradar models list`)")
    if args.command == "deals":
        if args.action == "merge" and len(args.ids) < 2:
            raise InputError("deals merge needs two or more deal ids")
        if args.action == "split" and len(args.ids) < 2:
            raise InputError("deals split needs a deal id and the article ids to move out")
        if args.action == "show" and len(args.ids) != 1:
            raise InputError("deals show needs one deal id")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    configure_logging(getattr(args, "verbose", 0))
    try:
        _validate(args)
        return int(args.func(args) or 0)
    except DealRadarError as e:
        print(f"dealradar: error: {e}", file=sys.stderr)
        return e.exit_code
    except OSError as e:  # an output path that cannot be written, a file that vanished
        print(f"dealradar: error: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dealradar: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
