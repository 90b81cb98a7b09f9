"""Tests for deep_unsupervised.metrics: the Fréchet distance against closed forms and its inputs."""

import deep_unsupervised as du

du.setup(seed=0, style=False)

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from deep_unsupervised import metrics  # noqa: E402


def test_frechet_distance_diagonal_closed_form():
    mu1, mu2 = np.array([0.0, 1.0]), np.array([1.0, -1.0])
    s1, s2 = np.array([1.0, 4.0]), np.array([9.0, 1.0])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum(s1 + s2 - 2 * np.sqrt(s1 * s2))
    got = metrics.frechet_distance(mu1, np.diag(s1), mu2, np.diag(s2))
    assert got == pytest.approx(expected)


def test_frechet_distance_is_zero_for_identical_and_matches_samples():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20000, 3)) @ np.array([[1, 0.5, 0], [0, 1, 0], [0, 0, 2.0]])
    assert metrics.frechet_distance(*metrics.gaussian_stats(a), *metrics.gaussian_stats(a)) == pytest.approx(0, abs=1e-6)
    b = a + np.array([3.0, 0, 0])  # a pure shift moves only the mean term
    assert metrics.frechet_distance(*metrics.gaussian_stats(a), *metrics.gaussian_stats(b)) == pytest.approx(9.0, rel=1e-6)


def test_classifier_features_and_feature_distance():
    clf = metrics.mnist_classifier(features=8, filters=(2, 2))
    extractor = metrics.feature_extractor(clf)
    x = np.random.default_rng(0).uniform(size=(20, 28, 28, 1)).astype("float32")
    assert extractor.predict(x, verbose=0).shape == (20, 8)
    assert metrics.frechet_feature_distance(extractor, x, x) == pytest.approx(0, abs=1e-6)


def test_bad_input():
    with pytest.raises(ValueError, match="features"):
        metrics.mnist_classifier(features=0)
    with pytest.raises(ValueError, match="shape"):
        metrics.gaussian_stats(np.zeros(5))
    with pytest.raises(ValueError, match="shapes do not match"):
        metrics.frechet_distance(np.zeros(2), np.eye(2), np.zeros(3), np.eye(3))
    clf = metrics.mnist_classifier(features=4, filters=(2, 2))
    with pytest.raises(ValueError, match="images_b"):
        metrics.frechet_feature_distance(metrics.feature_extractor(clf), np.zeros((4, 28, 28, 1)), np.zeros((4, 784)))
