import numpy as np
import pytest

from deep_unsupervised.clustering import assign, cluster_purity, kmeans


def test_kmeans_recovers_separated_blobs():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [10, 0], [0, 10]])
    y = np.repeat(np.arange(3), 50)
    x = centres[y] + rng.normal(scale=0.5, size=(150, 2))
    labels, found, inertia = kmeans(x, 3, seed=1)
    assert cluster_purity(labels, y) == 1.0
    distances = np.linalg.norm(centres[:, None, :] - found[None, :, :], axis=2)
    assert np.all(distances.min(axis=1) < 0.3)
    assert inertia == pytest.approx(np.sum((x - found[labels]) ** 2))


def test_kmeans_matches_scikit_learn_inertia():
    sklearn = pytest.importorskip("sklearn.cluster")
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 4))
    ours = kmeans(x, 5, n_init=8, seed=0)[2]
    theirs = sklearn.KMeans(5, n_init=8, random_state=0).fit(x).inertia_
    assert ours == pytest.approx(theirs, rel=0.05)


def test_purity_examples():
    assert cluster_purity(np.array([0, 0, 1, 1]), np.array([3, 3, 4, 5])) == 0.75
    assert cluster_purity(np.array([0, 1, 2]), np.array([1, 2, 3])) == 1.0


def test_numpy_scalars_are_valid_arguments():
    x = np.random.default_rng(0).normal(size=(20, 2))
    labels, centres, _ = kmeans(x, np.int64(3), n_init=np.int32(1), seed=np.int64(0))
    assert centres.shape == (3, 2) and labels.shape == (20,)


@pytest.mark.parametrize("args, kwargs, match", [
    ((np.zeros((3, 2)), 4), {}, r"'k': expected 1 <= k <= 3, received k=4"),
    ((np.zeros((3, 2)), 0), {}, "'k'"),
    ((np.zeros((3, 2)), 2.0), {}, "'k'.*integer"),
    ((np.zeros(3), 2), {}, "'x'.*2 axes"),
    ((np.full((3, 2), np.nan), 2), {}, "'x'.*finite"),
    ((np.zeros((3, 2)), 2), {"n_init": 0}, "'n_init'"),
    ((np.zeros((3, 2)), 2), {"max_iter": 0}, "'max_iter'"),
    ((np.zeros((3, 2)), 2), {"tol": -1.0}, "'tol'"),
    ((np.zeros((3, 2)), 2), {"seed": -1}, "'seed'"),
])
def test_kmeans_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        kmeans(*args, **kwargs)


@pytest.mark.parametrize("clusters, labels, match", [
    (np.zeros(3, int), np.zeros(4, int), "'labels'.*as long as clusters"),
    (np.zeros((2, 2), int), np.zeros(4, int), "'clusters'.*1 axes"),
    (np.zeros(2, int), np.array([0.5, 1.0]), "'labels'.*integer"),
    (np.zeros(2, int), np.array([-1, 1]), "'labels'.*non-negative"),
    (np.zeros(0, int), np.zeros(0, int), "'labels'.*non-empty"),
])
def test_purity_rejects_bad_input(clusters, labels, match):
    with pytest.raises(ValueError, match=match):
        cluster_purity(clusters, labels)


def test_assign_is_the_nearest_centre():
    rng = np.random.default_rng(3)
    x, centres = rng.normal(size=(50, 3)), rng.normal(size=(4, 3))
    brute = np.argmin(((x[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
    np.testing.assert_array_equal(assign(x, centres), brute)
    labels, found, _ = kmeans(x, 4, seed=1)
    np.testing.assert_array_equal(assign(x, found), labels)
    with pytest.raises(ValueError, match=r"'x'.*shape \(n, 3\)"):
        assign(np.zeros((2, 2)), centres)
    with pytest.raises(ValueError, match="'centres'"):
        assign(x, np.zeros(3))
