"""PCA as the lecture's linear encoder and decoder: enc(x) = W x, dec(z) = Wᵀ z.

The rows of W are the m leading eigenvectors of the data covariance. The data are centred first,
so strictly enc(x) = W (x − mean) and dec(z) = Wᵀ z + mean.
"""

from __future__ import annotations

import numpy as np

from ._backend.validation import check_array, check_choice, check_int, described, invalid


class PCA:
    """PCA fitted by eigen-decomposition of the covariance (``method='eig'``) or by SVD.

    Attributes after :meth:`fit`:
        W: (m, n) matrix whose rows are orthonormal principal axes, by decreasing variance.
        mean: (n,) data mean.
        explained_variance: (m,) variance along each axis.
        explained_variance_ratio: (m,) the same as fractions of the total variance.
    """

    def __init__(self, m: int, method: str = "eig"):
        self.m = check_int("m", m, low=1)
        self.method = check_choice("method", method, ("eig", "svd"))

    def fit(self, x) -> "PCA":
        """Fit the axes to the rows of ``x``, shape (N, n) with N >= 2 and n >= m."""
        x = check_array("x", x, ndim=2, dtype="float64")
        n_samples, n = x.shape
        if self.m > n:
            raise invalid("m", f"m <= the data dimension n={n} (m exceeds it)", self.m)
        if n_samples < 2:
            raise invalid("x", "at least 2 rows (samples)", described(f"shape {x.shape}"))
        self.mean = x.mean(axis=0)
        xc = x - self.mean
        if self.method == "eig":
            cov = xc.T @ xc / (n_samples - 1)
            eigvals, eigvecs = np.linalg.eigh(cov)          # ascending order
            order = np.argsort(eigvals)[::-1]
            variances, axes = eigvals[order], eigvecs[:, order].T
        else:
            _, s, vt = np.linalg.svd(xc, full_matrices=False)
            variances, axes = s ** 2 / (n_samples - 1), vt
        # Fix each axis's sign (largest |component| positive) so results repeat across methods.
        signs = np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])
        axes = axes * signs[:, None]
        self.total_variance = float(np.clip(variances, 0, None).sum())
        self.W = axes[: self.m]
        self.explained_variance = np.clip(variances[: self.m], 0, None)
        self.explained_variance_ratio = self.explained_variance / self.total_variance
        return self

    def _fitted(self) -> None:
        if not hasattr(self, "W"):
            raise RuntimeError("this PCA is not fitted yet: call fit(x) first")

    def encode(self, x) -> np.ndarray:
        """z = W (x − mean), shape (N, m)."""
        self._fitted()
        x = check_array("x", x, shape=(None, self.W.shape[1]), dtype="float64")
        return (x - self.mean) @ self.W.T

    def decode(self, z) -> np.ndarray:
        """x' = Wᵀ z + mean, shape (N, n)."""
        self._fitted()
        z = check_array("z", z, shape=(None, self.m), dtype="float64")
        return z @ self.W + self.mean

    def reconstruct(self, x) -> np.ndarray:
        """decode(encode(x)): the projection of each row onto the principal subspace."""
        return self.decode(self.encode(x))


def principal_angles(a, b) -> np.ndarray:
    """Principal angles (radians, ascending) between the subspaces spanned by the ROWS of a and b.

    For orthonormal bases Q_a, Q_b of the two row spaces, the cosines of the angles are the
    singular values of Q_a Q_bᵀ (Björck & Golub, 1973). All angles are 0 when the subspaces
    coincide and π/2 for orthogonal ones. Use it to compare, e.g., the PCA axes ``PCA.W`` with
    the weights a linear autoencoder learnt.

    Args:
        a: (k, n) array; b: (l, n) array, both of full row rank.

    Returns:
        min(k, l) angles in [0, π/2].
    """
    a = check_array("a", a, ndim=2, dtype="float64")
    b = check_array("b", b, shape=(None, a.shape[1]), dtype="float64")
    qa, qb = np.linalg.qr(a.T)[0], np.linalg.qr(b.T)[0]
    cosines = np.linalg.svd(qa.T @ qb, compute_uv=False)
    return np.arccos(np.clip(cosines, -1.0, 1.0))[: min(len(a), len(b))]
