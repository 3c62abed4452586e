"""The registry prior: exact combination, validation fit, unknown companies untouched."""

import numpy as np
import pytest

from classifier.registry_prior import combine, fit_weight

SECTORS = ["a", "b", "c"]


def test_combine_exact():
    p = np.array([[0.5, 0.3, 0.2], [0.2, 0.5, 0.3]])
    out = combine(p, ["b", None], SECTORS, 0.8)
    # prior for "b": [0.1, 0.8, 0.1] -> [0.05, 0.24, 0.02] / 0.31
    assert out[0].tolist() == pytest.approx([0.05 / 0.31, 0.24 / 0.31, 0.02 / 0.31])
    assert out[1].tolist() == [0.2, 0.5, 0.3]  # unknown company: unchanged
    assert combine(p, ["b", "a"], SECTORS, 0.0).tolist() == p.tolist()
    assert combine(p, ["zzz", None], SECTORS, 0.9).tolist() == p.tolist()


def test_fit_weight_prefers_a_strong_prior_when_the_registry_is_right():
    rng = np.random.default_rng(1)
    n = 200
    y = rng.integers(0, 3, n)
    probs = np.full((n, 3), 1 / 3)  # an uninformative model
    right = [SECTORS[i] for i in y]
    assert fit_weight(probs, y, right, SECTORS) == 0.98
    wrong = [SECTORS[(i + 1) % 3] for i in y]
    assert fit_weight(probs, y, wrong, SECTORS) == 0.0
    assert fit_weight(probs[:3], y[:3], right[:3], SECTORS) == 0.0  # too few linked articles
