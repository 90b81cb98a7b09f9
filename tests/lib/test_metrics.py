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
    clf = metrics.mnist_classifier(features=np.int64(8), filters=(2, 2))
    extractor = metrics.feature_extractor(clf)
    x = np.random.default_rng(0).uniform(size=(20, 28, 28, 1)).astype("float32")
    assert extractor.predict(x, verbose=0).shape == (20, 8)
    assert metrics.frechet_feature_distance(extractor, x, x) == pytest.approx(0, abs=1e-6)


def test_nearest_neighbours_against_brute_force():
    rng = np.random.default_rng(0)
    queries, refs = rng.uniform(size=(37, 4, 4, 1)), rng.uniform(size=(50, 4, 4, 1))
    brute = np.linalg.norm(queries.reshape(37, 1, -1) - refs.reshape(1, 50, -1), axis=-1)
    index, dist = metrics.nearest_neighbours(queries, refs, batch_size=10)
    np.testing.assert_array_equal(index, brute.argmin(1))
    np.testing.assert_allclose(dist, brute.min(1), rtol=1e-10)
    np.testing.assert_allclose(metrics.squared_distances(queries, refs), brute ** 2, atol=1e-12)
    # a query that is a reference: rounding must not give a negative square (NaN distance)
    index, dist = metrics.nearest_neighbours(refs[:5] * 1e3, refs * 1e3)
    np.testing.assert_array_equal(index, np.arange(5))
    assert np.all(dist >= 0) and np.all(np.isfinite(dist))


def test_metrics_imports_without_keras():
    import subprocess
    import sys

    code = ("import sys; from deep_unsupervised import metrics, divergences; "
            "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("call, name", [
    (lambda: metrics.mnist_classifier(features=0), "features"),
    (lambda: metrics.mnist_classifier(filters=(0,)), "filters"),
    (lambda: metrics.gaussian_stats(np.zeros(5)), "features"),
    (lambda: metrics.gaussian_stats(np.zeros((1, 5))), "features"),
    (lambda: metrics.frechet_distance(np.zeros(2), np.eye(2), np.zeros(3), np.eye(3)), "cov2"),
    (lambda: metrics.squared_distances(np.zeros((2, 3)), np.zeros((2, 4))), "b"),
    (lambda: metrics.nearest_neighbours(np.zeros((0, 3)), np.zeros((2, 3))), "queries"),
    (lambda: metrics.nearest_neighbours(np.zeros((1, 3)), np.zeros((2, 3)), batch_size=0),
     "batch_size"),
])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=f"Invalid value for argument '{name}'"):
        call()


def test_bad_images_and_layer():
    clf = metrics.mnist_classifier(features=4, filters=(2, 2))
    with pytest.raises(ValueError, match="'images_b'"):
        metrics.frechet_feature_distance(metrics.feature_extractor(clf),
                                         np.zeros((4, 28, 28, 1)), np.zeros((4, 784)))
    with pytest.raises(ValueError, match="'layer'"):
        metrics.feature_extractor(clf, layer="nope")
    with pytest.raises(TypeError, match="'classifier'"):
        metrics.feature_extractor("clf")
