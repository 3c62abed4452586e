"""Training data: the bundled corpus's fixed splits plus the analysts' labels from the warehouse."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from dealradar.errors import ModelError
from dealradar.paths import CORPUS_FILE, PROJECT_ROOT
from dealradar.taxonomy import Taxonomy

log = logging.getLogger(__name__)

DEV_SET = PROJECT_ROOT.parent / "shared" / "datasets" / "techcrunch_labelled_dev_2015_2017.csv"


def load_corpus(path: Path | str = CORPUS_FILE) -> pd.DataFrame:
    """The bundled labelled corpus (title, body, sector, signal, split, ...)."""
    p = Path(path)
    if not p.exists():
        raise ModelError(f"bundled corpus not found at {p}")
    df = pd.read_csv(p, dtype={"body": "string", "title": "string"}, keep_default_na=False)
    return df


def dev_set_path() -> Path | None:
    """The real labelled dev set if present ($DEALRADAR_DEV_SET or ../shared/datasets)."""
    p = Path(os.environ.get("DEALRADAR_DEV_SET", DEV_SET))
    return p if p.exists() else None


def load_dev_set() -> pd.DataFrame | None:
    """Real headlines with taxonomy labels (title only), or None when absent."""
    p = dev_set_path()
    if p is None:
        return None
    df = pd.read_csv(p, keep_default_na=False)
    return pd.DataFrame({"title": df["title"].astype(str), "body": "", "sector": df["sector"],
                         "signal": df["signal"]})


def analyst_labels(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The latest non-undone analyst label of each article, with its text, oldest first."""
    return con.execute(
        """
        SELECT a.article_id, a.title, a.body, l.sector, l.signal, l.labelled_at
        FROM stg_latest_labels l JOIN articles a USING (article_id)
        ORDER BY l.labelled_at, l.label_id
        """
    ).df()


@dataclass
class TrainingData:
    """Splits for one training run. `test` is the corpus's fixed test split, never trained on."""

    train: pd.DataFrame
    validation: pd.DataFrame
    test: pd.DataFrame
    holdout: pd.DataFrame
    dev: pd.DataFrame | None = None

    def label_counts(self) -> dict:
        return {
            "train": {h: self.train[h].value_counts().sort_index().to_dict() for h in ("sector", "signal")},
            "n_train": len(self.train), "n_validation": len(self.validation), "n_test": len(self.test),
            "n_holdout": len(self.holdout), "n_analyst": int((self.train["origin"] == "analyst").sum()),
        }


def build_training_data(corpus: pd.DataFrame, labels: pd.DataFrame | None, taxonomy: Taxonomy,
                        holdout_fraction: float = 0.2, min_per_class: int = 2) -> TrainingData:
    """Combine corpus splits with analyst labels; hold out the newest analyst labels for evaluation."""
    cols = ["title", "body", "sector", "signal"]
    c = corpus.copy()
    c["body"] = c["body"].fillna("")
    c["origin"] = "corpus"
    train = c[c["split"] == "train"][cols + ["origin"]]
    val = c[c["split"] == "validation"][cols + ["origin"]]
    test = c[c["split"] == "test"][cols + ["origin"]]
    holdout = pd.DataFrame(columns=cols + ["origin"])
    if labels is not None and len(labels):
        lab = labels.copy()
        lab["body"] = lab["body"].fillna("")
        lab["origin"] = "analyst"
        n_hold = int(len(lab) * holdout_fraction) if len(lab) >= 5 else 0
        holdout = lab.iloc[len(lab) - n_hold:][cols + ["origin"]] if n_hold else holdout
        train = pd.concat([train, lab.iloc[: len(lab) - n_hold][cols + ["origin"]]], ignore_index=True)
    for df, name in ((train, "train"), (val, "validation"), (test, "test")):
        bad = set(df["sector"]) - set(taxonomy.sectors) | set(df["signal"]) - set(taxonomy.signals)
        if bad:
            raise ModelError(f"{name} data has labels outside the taxonomy: {sorted(bad)}")
    if train.empty:
        raise ModelError("the training set is empty: no corpus train split and no analyst labels")
    for head, ids in (("sector", taxonomy.sectors), ("signal", taxonomy.signals)):
        counts = train[head].value_counts()
        few = [f"{k} ({int(counts.get(k, 0))})" for k in ids if counts.get(k, 0) < min_per_class]
        if few:
            raise ModelError(f"too few training labels for {head} classes: {', '.join(few)}; "
                             f"each needs at least {min_per_class}")
    return TrainingData(train.reset_index(drop=True), val.reset_index(drop=True),
                        test.reset_index(drop=True), holdout.reset_index(drop=True))


def data_hash(df: pd.DataFrame) -> str:
    """A hash of the training examples (order-independent)."""
    rows = sorted(f"{t}\x1f{b}\x1f{s}\x1f{g}" for t, b, s, g in
                  df[["title", "body", "sector", "signal"]].itertuples(index=False))
    h = hashlib.sha256()
    for r in rows:
        h.update(r.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()[:16]


def training_views(df: pd.DataFrame, title_view: bool = True) -> pd.DataFrame:
    """Each article as title+body, plus a title-only copy when it has a body (both views)."""
    full = df.copy()
    if not title_view:
        return full
    titled = df[df["body"].str.len() > 0].copy()
    titled["body"] = ""
    return pd.concat([full, titled], ignore_index=True)


def encode(tokenizer, titles: list[str], bodies: list[str], max_length: int) -> list[dict]:
    """Tokenise title (+ body as a second segment when present), unpadded, one dict per text."""
    out: list[dict | None] = [None] * len(titles)
    with_body = [i for i, b in enumerate(bodies) if b]
    without = [i for i, b in enumerate(bodies) if not b]
    if with_body:
        enc = tokenizer([titles[i] for i in with_body], [bodies[i] for i in with_body],
                        truncation="longest_first", max_length=max_length)
        for j, i in enumerate(with_body):
            out[i] = {k: enc[k][j] for k in ("input_ids", "attention_mask")}
    if without:
        enc = tokenizer([titles[i] for i in without], truncation=True, max_length=max_length)
        for j, i in enumerate(without):
            out[i] = {k: enc[k][j] for k in ("input_ids", "attention_mask")}
    return out  # type: ignore[return-value]
