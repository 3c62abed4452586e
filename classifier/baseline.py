"""The TF-IDF + logistic-regression baseline every fine-tuned model must beat."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline


def _texts(df: pd.DataFrame) -> list[str]:
    return [f"{t} {b}".strip() for t, b in zip(df["title"], df["body"].fillna(""), strict=True)]


class TfidfBaseline:
    """One word+character TF-IDF logistic regression per head."""

    def __init__(self, labels: dict[str, list[str]], seed: int = 13):
        self.labels = labels
        self.seed = seed
        self.models: dict = {}

    def fit(self, df: pd.DataFrame) -> TfidfBaseline:
        texts = _texts(df)
        for head, labs in self.labels.items():
            index = {lab: i for i, lab in enumerate(labs)}
            y = np.array([index[v] for v in df[head]])
            feats = FeatureUnion([
                ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, max_features=100_000)),
                ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                         max_features=100_000)),
            ])
            clf = LogisticRegression(max_iter=2000, C=10.0, class_weight="balanced", random_state=self.seed)
            self.models[head] = make_pipeline(feats, clf).fit(texts, y)
        return self

    def predict(self, df: pd.DataFrame) -> dict[str, np.ndarray]:
        """Predicted class indices per head (indices into self.labels[head])."""
        texts = _texts(df)
        out = {}
        for head, model in self.models.items():
            clf = model.steps[-1][1]
            proba = model.predict_proba(texts)
            full = np.zeros((len(texts), len(self.labels[head])))
            full[:, clf.classes_] = proba
            out[head] = full.argmax(axis=1)
        return out
