"""Foundation-level PCA checks (the PCA chapter's own tests live in test_pca.py)."""
import numpy as np
import pytest

from deep_unsupervised.pca import PCA


def test_eig_and_svd_agree_and_reconstruct_exactly_at_full_rank():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5)) @ rng.normal(size=(5, 5))
    eig, svd = PCA(3).fit(x), PCA(3, method="svd").fit(x)
    np.testing.assert_allclose(eig.W, svd.W, atol=1e-8)
    np.testing.assert_allclose(eig.explained_variance, svd.explained_variance, rtol=1e-8)
    np.testing.assert_allclose(PCA(5).fit(x).reconstruct(x), x, atol=1e-8)
    np.testing.assert_allclose(eig.W @ eig.W.T, np.eye(3), atol=1e-10)


def test_bad_inputs():
    with pytest.raises(ValueError, match="'m'"):
        PCA(0)
    with pytest.raises(ValueError, match="2-D"):
        PCA(1).fit(np.zeros(5))
    with pytest.raises(ValueError, match="exceeds"):
        PCA(4).fit(np.zeros((10, 3)))
