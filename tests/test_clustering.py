import numpy as np
import pytest

from deep_unsupervised.clustering import cluster_purity, kmeans


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


def test_purity_examples_and_errors():
    assert cluster_purity(np.array([0, 0, 1, 1]), np.array([3, 3, 4, 5])) == 0.75
    with pytest.raises(ValueError, match="equal length"):
        cluster_purity(np.zeros(3, int), np.zeros(4, int))
    with pytest.raises(ValueError, match="'k'"):
        kmeans(np.zeros((3, 2)), 4)
