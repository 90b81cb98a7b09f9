"""Tests for deep_unsupervised.probing: linear probes at label budgets, against a direct fit."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from deep_unsupervised import data, probing


def _blobs(n_per_class=40, dim=5, seed=0):
    rng = np.random.default_rng(seed)
    centres = 3 * rng.standard_normal((3, dim))
    y = np.repeat(np.arange(3), n_per_class)
    return (centres[y] + rng.standard_normal((len(y), dim))).astype("float32"), y


def test_accuracy_matches_a_direct_fit_on_the_same_draw():
    x, y = _blobs()
    xt, yt = _blobs(seed=1)
    acc = probing.label_budget_accuracy(x, y, xt, yt, per_class=(2, 10), seeds=(0, 3))
    assert set(acc) == {(2, 0), (2, 3), (10, 0), (10, 3)}
    idx = data.stratified_subset(y, per_class=10, seed=3)
    scale = probing.standardiser(x)
    direct = LogisticRegression(max_iter=500).fit(scale(x[idx]), y[idx]).score(scale(xt), yt)
    assert acc[10, 3] == pytest.approx(direct)


def test_well_separated_classes_are_learnt_from_few_labels():
    x, y = _blobs()
    acc = probing.label_budget_accuracy(x, y, x, y, per_class=(1, 20), seeds=(0, 1, 2))
    summary = probing.summarise(acc)
    assert summary[20][0] > 0.95 and 0 <= summary[1][1] < 0.5
    assert set(summary) == {1, 20}


def test_standardiser_uses_the_training_statistics():
    f = np.array([[0.0, 10.0], [2.0, 30.0]])
    scaled = probing.standardiser(f)(f)
    np.testing.assert_allclose(scaled.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(np.abs(scaled), 1, atol=1e-5)


@pytest.mark.parametrize("kwargs, match", [
    ({"per_class": (0,)}, "'per_class'"),
    ({"seeds": (-1,)}, "'seeds'"),
    ({"max_iter": 0}, "'max_iter'"),
])
def test_bad_arguments(kwargs, match):
    x, y = _blobs()
    with pytest.raises(ValueError, match=match):
        probing.label_budget_accuracy(x, y, x, y, **kwargs)


def test_bad_shapes():
    x, y = _blobs()
    with pytest.raises(ValueError, match="'features_test'"):
        probing.label_budget_accuracy(x, y, x[:, :2], y)
    with pytest.raises(ValueError, match="'y_train'"):
        probing.label_budget_accuracy(x, y[:5], x, y)
    with pytest.raises(ValueError, match="'features_train'"):
        probing.label_budget_accuracy(x[0], y, x, y)
