"""Metrics and calibration on hand-written arrays with exact expected values."""

import numpy as np
import pytest

from classifier.calibration import expected_calibration_error, fit_temperature, nll, softmax
from classifier.metrics import confusion_matrix, head_report, macro_f1, per_class_prf


def test_confusion_matrix():
    cm = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], 3)
    assert cm.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_per_class_prf_and_macro_f1():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 2, 0]
    p, r, f1, s = per_class_prf(confusion_matrix(y_true, y_pred, 3))
    assert p.tolist() == [0.5, 0.5, 1.0]
    assert r.tolist() == pytest.approx([0.5, 1.0, 2 / 3])
    assert f1.tolist() == pytest.approx([0.5, 2 / 3, 0.8])
    assert s.tolist() == [2, 1, 3]
    assert macro_f1(y_true, y_pred, 3) == pytest.approx((0.5 + 2 / 3 + 0.8) / 3)


def test_macro_f1_ignores_classes_absent_from_both():
    assert macro_f1([0, 0, 1], [0, 0, 1], 5) == 1.0
    assert macro_f1([0, 1], [1, 0], 2) == 0.0


def test_head_report():
    rep = head_report([0, 1, 1, 1], [0, 1, 0, 1], ["a", "b"])
    assert rep["n"] == 4
    assert rep["accuracy"] == 0.75
    assert rep["per_class"]["a"] == {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3), "support": 1}
    assert rep["per_class"]["b"] == {"precision": 1.0, "recall": pytest.approx(2 / 3), "f1": 0.8, "support": 3}
    assert rep["confusion"] == [[1, 0], [1, 2]]
    assert rep["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)


def test_softmax_and_nll():
    p = softmax(np.array([[0.0, np.log(3.0)]]))
    assert p[0].tolist() == pytest.approx([0.25, 0.75])
    assert softmax(np.array([[2.0, 0.0]]), temperature=2.0)[0].tolist() == pytest.approx([1 / (1 + np.e ** -1), 1 / (1 + np.e)])
    assert nll(np.array([[0.0, np.log(3.0)]]), np.array([1])) == pytest.approx(-np.log(0.75))


def test_ece_hand_computed():
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]])
    labels = np.array([0, 1, 1, 1])
    # bins (10): conf .9 -> acc 1; conf .8 -> acc 0; conf .7 -> acc 1; conf .6 -> acc 1
    expected = (abs(1 - 0.9) + abs(0 - 0.8) + abs(1 - 0.7) + abs(1 - 0.6)) / 4
    assert expected_calibration_error(probs, labels, n_bins=10) == pytest.approx(expected)
    assert expected_calibration_error(np.array([[1.0, 0.0]]), np.array([0])) == 0.0


def test_temperature_scaling_recovers_overconfidence():
    rng = np.random.default_rng(0)
    true_logits = rng.normal(size=(4000, 3)) * 1.5
    labels = np.array([rng.choice(3, p=softmax(row[None])[0]) for row in true_logits])
    overconfident = true_logits * 3.0  # a model three times too sure of itself
    t = fit_temperature(overconfident, labels)
    assert t == pytest.approx(3.0, rel=0.08)
    before = expected_calibration_error(softmax(overconfident), labels)
    after = expected_calibration_error(softmax(overconfident, t), labels)
    assert after < before / 2
    assert fit_temperature(np.zeros((0, 3)), np.zeros(0)) == 1.0
