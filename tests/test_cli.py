"""Every CLI command: success and error paths; errors are one line and a non-zero exit, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from dealradar.cli import build_parser, main

COMMANDS = ["init", "ingest", "rejects", "extract", "train", "classify", "predict", "check", "report", "models",
            "deals", "dashboard", "up"]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_an_example(command, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([command, "--help"])
    assert exc.value.code == 0
    assert "example:\n  dealradar " + command in capsys.readouterr().out


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "usage: dealradar" in capsys.readouterr().out


def test_init_and_corrupt_file(capsys, tmp_path, home):
    code, out, _ = run(capsys, "init")
    import pandas as pd

    from dealradar.paths import REGISTRY_FILE

    n_registry = len(pd.read_csv(REGISTRY_FILE))
    assert code == 0
    assert out.strip() == f"warehouse {home / 'dealradar.duckdb'} ready (schema v4, 0 articles, {n_registry} companies)"
    bad = tmp_path / "bad.duckdb"
    bad.write_text("not duckdb")
    code, _, err = run(capsys, "init", "--db", str(bad))
    assert code == 3
    assert one_line_error(err) == (f"dealradar: error: {bad} is not a DuckDB warehouse (corrupt or another kind of "
                                   "file). Nothing was changed: move it away or pass another --db.")


def test_ingest_errors(capsys, home, tmp_path):
    code, _, err = run(capsys, "ingest", str(tmp_path / "missing.csv"))
    assert code == 2 and one_line_error(err) == f"dealradar: error: {tmp_path / 'missing.csv'}: no such file or folder"
    code, _, err = run(capsys, "ingest", "x.csv", "--map", "headline")
    assert code == 2 and "expected FIELD=COLUMN" in one_line_error(err)
    code, _, err = run(capsys, "ingest", "x.csv", "--since", "yesterday")
    assert code == 2 and "--since 'yesterday'" in one_line_error(err)


def test_read_commands_on_a_missing_warehouse(capsys, home):
    for argv in (["check"], ["rejects"], ["models", "list"], ["deals", "list"],
                 ["report", "-o", str(home / "r.csv")]):
        code, _, err = run(capsys, *argv)
        assert code == 3, argv
        assert "no warehouse at" in one_line_error(err)


def test_classify_and_predict_without_a_model(capsys, home, tmp_path):
    run(capsys, "init")
    code, _, err = run(capsys, "classify")
    assert code == 5 and one_line_error(err) == "dealradar: error: no active model version: run `dealradar train` first"
    f = tmp_path / "in.csv"
    pd.DataFrame({"title": ["Acme raises $5M"]}).to_csv(f, index=False)
    code, _, err = run(capsys, "predict", str(f), "-o", str(tmp_path / "o.csv"))
    assert code == 5 and "no active model version" in one_line_error(err)


def test_train_errors(capsys, home, tiny_corpus_file, tmp_path, tiny_bert):
    code, _, err = run(capsys, "train", "--corpus", str(tiny_corpus_file), "--base-model", str(tmp_path / "no-model"), "-q")
    assert code == 5 and f"unknown base model '{tmp_path / 'no-model'}'" in one_line_error(err)
    empty = tmp_path / "empty.csv"
    pd.read_csv(tiny_corpus_file).head(0).to_csv(empty, index=False)
    code, _, err = run(capsys, "train", "--corpus", str(empty), "--base-model", str(tiny_bert), "-q")
    assert code == 5 and one_line_error(err) == ("dealradar: error: the training set is empty: no corpus train split "
                                                 "and no analyst labels")
    few = tmp_path / "few.csv"
    df = pd.read_csv(tiny_corpus_file)
    df[~((df["sector"] == "robotics") & (df["split"] == "train"))].to_csv(few, index=False)
    code, _, err = run(capsys, "train", "--corpus", str(few), "--base-model", str(tiny_bert), "-q")
    assert code == 5 and "too few training labels for sector classes: robotics (0)" in one_line_error(err)
    with pytest.raises(SystemExit) as exc:  # argparse refuses an unknown profile
        main(["train", "--profile", "nope"])
    assert exc.value.code == 2


def test_check_fails_on_bad_rows(capsys, home):
    run(capsys, "init")
    import duckdb

    con = duckdb.connect(str(home / "dealradar.duckdb"))
    con.execute("INSERT INTO ingest_runs VALUES (1, 's', 'csv', now(), now(), 'completed', 3, 1, 1, 0, NULL)")
    con.close()
    code, out, err = run(capsys, "check")
    assert code == 6
    assert "FAIL balance:ingest_runs.read=loaded+duplicates+rejected: 1 rows" in out
    assert out.strip().endswith("38 passed, 1 failed")
    assert one_line_error(err) == f"dealradar: error: 1 data contracts failed in {home / 'dealradar.duckdb'}"


def test_locked_warehouse_message(home):
    run_init = subprocess.run([sys.executable, "-m", "dealradar.cli", "init"], capture_output=True, text=True)
    assert run_init.returncode == 0
    db = home / "dealradar.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(db)!r}); "
                               "print('held', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        res = subprocess.run([sys.executable, "-m", "dealradar.cli", "check"], capture_output=True, text=True,
                             env={**__import__("os").environ, "DEALRADAR_LOCK_TIMEOUT": "0.3"})
    finally:
        holder.kill()
        holder.wait()
    assert res.returncode == 4
    assert one_line_error(res.stderr).startswith(f"dealradar: error: {db}: another process holds the warehouse's "
                                                 "write lock")


def test_whole_pipeline(capsys, home, tiny_corpus_file, tiny_bert, tmp_path):
    """up -> classify -> predict -> extract -> deals -> report -> models, on a tiny corpus and a tiny BERT."""
    code, out, _ = run(capsys, "up", "--no-serve", "--corpus", str(tiny_corpus_file), "--base-model", str(tiny_bert),
                       "--profile", "tiny", "-q")
    assert code == 0, out
    assert "bundled news: read 312, loaded 312, duplicates 0, rejected 0" in out
    assert "promoted: first model" in out
    assert "classified 312 articles with v" in out
    code, out, _ = run(capsys, "up", "--no-serve", "--corpus", str(tiny_corpus_file), "-q")
    assert code == 0 and "bundled news" not in out and "no model yet" not in out and "classified 0 articles" in out

    code, out, _ = run(capsys, "check")
    assert code == 0 and out.strip().endswith("39 passed, 0 failed")

    src = tmp_path / "batch.csv"
    pd.DataFrame({"Headline": ["Acme Robotics raises $20 million Series A led by Foo Ventures", "Weather is nice"],
                  "body": ["", ""]}).to_csv(src, index=False)
    code, out, _ = run(capsys, "predict", str(src), "-o", str(tmp_path / "p.csv"), "--map", "title=Headline")
    assert code == 0 and out.startswith("wrote predictions of 2 rows")
    pred = pd.read_csv(tmp_path / "p.csv")
    assert list(pred.columns) == ["Headline", "body", "sector", "sector_conf", "sector_2nd", "sector_2nd_conf", "signal",
                                  "signal_conf", "signal_2nd", "signal_2nd_conf", "version_id"]
    assert pred["sector_conf"].between(0, 1).all()

    code, out, _ = run(capsys, "extract", str(src), "-o", str(tmp_path / "f.csv"), "--map", "title=Headline")
    assert code == 0
    facts = pd.read_csv(tmp_path / "f.csv")
    row = facts.iloc[0]
    assert (row["fact_company"], row["fact_amount"], row["fact_currency"], row["fact_round_stage"]) == \
        ("Acme Robotics", 20_000_000, "USD", "series_a")

    code, out, _ = run(capsys, "deals", "list", "--limit", "3")
    assert code == 0
    code, _, err = run(capsys, "deals", "show", "999999")
    assert code == 2 and one_line_error(err) == "dealradar: error: no deal with id 999999"
    code, _, err = run(capsys, "deals", "merge", "1")
    assert code == 2 and "two or more deal ids" in one_line_error(err)

    magic = {"csv": b"deal_id,", "xlsx": b"PK", "html": b"<!DOCTYPE html>", "pdf": b"%PDF"}
    for fmt, head in magic.items():
        out_file = tmp_path / f"r.{fmt}"
        code, out, _ = run(capsys, "report", "-f", fmt, "-o", str(out_file), "--start", "2024-01-01")
        assert code == 0 and out_file.read_bytes().startswith(head), fmt
    code, _, err = run(capsys, "report", "--sector", "robots", "-o", str(tmp_path / "x.csv"))
    assert code == 2 and one_line_error(err) == "dealradar: error: unknown sector 'robots'"

    code, out, _ = run(capsys, "models", "list")
    assert code == 0 and out.startswith("* v")
    code, out, _ = run(capsys, "models", "show")
    assert code == 0 and '"status": "active"' in out
    code, out, _ = run(capsys, "rejects")
    assert code == 0 and out.strip() == "no rejects"
    code, _, err = run(capsys, "models", "promote", "nope")
    assert code == 5 and one_line_error(err) == "dealradar: error: no model version 'nope'; see `dealradar models list`"
    code, _, err = run(capsys, "models", "rollback")
    assert code == 5 and one_line_error(err) == "dealradar: error: no earlier promoted version to roll back to"
    code, _, err = run(capsys, "models", "delete")
    assert code == 2 and one_line_error(err) == ("dealradar: error: models delete needs a version id "
                                                 "(see `dealradar models list`)")


def test_negative_limit_is_an_argument_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["rejects", "--limit", "-1"])
    assert exc.value.code == 2
    assert "must be a positive number, got -1" in capsys.readouterr().err


def test_unwritable_output_is_one_line(capsys, home, tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"title": ["Acme raises $5M"]}).to_csv(src, index=False)
    code, _, err = run(capsys, "extract", str(src), "-o", "/proc/nope/facts.csv")
    assert code == 2 and one_line_error(err).startswith("dealradar: error: /proc/nope/facts.csv: cannot create its folder")
