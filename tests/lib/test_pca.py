"""Tests for deep_unsupervised.pca: PCA against SVD/scikit-learn, and principal angles against SciPy."""

import numpy as np
import pytest
import scipy.linalg
from sklearn.decomposition import PCA as SkPCA

from deep_unsupervised.pca import PCA, principal_angles


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((300, 6)) @ rng.standard_normal((6, 6)) + 3.0


def test_eig_and_svd_agree_with_sklearn(data):
    eig, svd = PCA(3, "eig").fit(data), PCA(3, "svd").fit(data)
    sk = SkPCA(3).fit(data)
    np.testing.assert_allclose(eig.W, svd.W, atol=1e-8)
    np.testing.assert_allclose(np.abs(eig.W @ sk.components_.T), np.eye(3), atol=1e-8)
    np.testing.assert_allclose(eig.explained_variance, sk.explained_variance_, rtol=1e-8)


def test_full_rank_reconstruction_is_exact_and_axes_orthonormal(data):
    pca = PCA(6).fit(data)
    np.testing.assert_allclose(pca.reconstruct(data), data, atol=1e-8)
    np.testing.assert_allclose(pca.W @ pca.W.T, np.eye(6), atol=1e-10)


def test_reconstruction_error_equals_discarded_variance(data):
    pca = PCA(2).fit(data)
    err = np.sum((data - pca.reconstruct(data)) ** 2) / (len(data) - 1)
    assert err == pytest.approx(pca.total_variance - pca.explained_variance.sum(), rel=1e-8)


def test_principal_angles_match_scipy():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((4, 10)), rng.standard_normal((3, 10))
    ours = principal_angles(a, b)
    ref = np.sort(scipy.linalg.subspace_angles(a.T, b.T))
    np.testing.assert_allclose(ours, ref, atol=1e-8)


def test_principal_angles_of_same_subspace_are_zero():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((5, 20))
    mix = rng.standard_normal((5, 5))  # another basis of the same row space
    np.testing.assert_allclose(principal_angles(a, mix @ a), 0.0, atol=1e-6)
    e = np.eye(4)
    np.testing.assert_allclose(principal_angles(e[:2], e[2:]), np.pi / 2, atol=1e-12)


def test_small_data_reconstruct_exactly_at_full_rank():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5)) @ rng.normal(size=(5, 5))
    np.testing.assert_allclose(PCA(5).fit(x).reconstruct(x), x, atol=1e-8)
    np.testing.assert_allclose(PCA(np.int64(5), method="svd").fit(x).reconstruct(x), x,
                               atol=1e-8)


@pytest.mark.parametrize("kwargs, match", [
    ({"m": 0}, r"'m': expected 1 <= m, received m=0"),
    ({"m": 2.0}, "'m'.*integer"),
    ({"m": 2, "method": "qr"}, "'method'"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PCA(**kwargs)


def test_bad_inputs(data):
    with pytest.raises(ValueError, match="'m'.*exceeds"):
        PCA(7).fit(data)
    with pytest.raises(ValueError, match="'x'.*2 axes"):
        PCA(2).fit(data[0])
    with pytest.raises(ValueError, match="'x'.*at least 2 rows"):
        PCA(1).fit(data[:1])
    with pytest.raises(ValueError, match="'x'.*finite"):
        PCA(1).fit(np.full((3, 2), np.inf))
    with pytest.raises(RuntimeError, match="fit"):
        PCA(2).encode(data)
    pca = PCA(2).fit(data)
    with pytest.raises(ValueError, match=r"'x'.*shape \(n, 6\)"):
        pca.encode(data[:, :5])
    with pytest.raises(ValueError, match=r"'z'.*shape \(n, 2\)"):
        pca.decode(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="'b'"):
        principal_angles(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="'a'"):
        principal_angles(np.ones(3), np.ones((2, 3)))
