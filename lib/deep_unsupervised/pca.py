"""Principal component analysis as the lecture's linear encoder/decoder: enc(x) = W x, dec(z) = Wᵀ z.

The rows of W are the m leading eigenvectors of the data covariance. The data are centred first,
so strictly enc(x) = W (x − mean) and dec(z) = Wᵀ z + mean.
"""

from __future__ import annotations

import numpy as np


class PCA:
    """PCA fitted by eigen-decomposition of the covariance (``method='eig'``) or by SVD.

    Attributes after :meth:`fit`:
        W: (m, n) matrix whose rows are orthonormal principal axes, by decreasing variance.
        mean: (n,) data mean.
        explained_variance: (m,) variance along each axis.
        explained_variance_ratio: (m,) the same as fractions of the total variance.
    """

    def __init__(self, m: int, method: str = "eig"):
        if not isinstance(m, (int, np.integer)) or m < 1:
            raise ValueError(f"Invalid value for argument 'm': expected a positive integer, received m={m!r}")
        if method not in ("eig", "svd"):
            raise ValueError(f"Invalid value for argument 'method': expected 'eig' or 'svd', received {method!r}")
        self.m, self.method = int(m), method

    def fit(self, x) -> "PCA":
        x = _check_matrix(x, "x")
        n_samples, n = x.shape
        if self.m > n:
            raise ValueError(f"m={self.m} exceeds the data dimension n={n}")
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

    def encode(self, x) -> np.ndarray:
        """z = W (x − mean), shape (N, m)."""
        x = _check_matrix(x, "x", self.W.shape[1])
        return (x - self.mean) @ self.W.T

    def decode(self, z) -> np.ndarray:
        """x' = Wᵀ z + mean, shape (N, n)."""
        z = _check_matrix(z, "z", self.m)
        return z @ self.W + self.mean

    def reconstruct(self, x) -> np.ndarray:
        return self.decode(self.encode(x))


def _check_matrix(a, name: str, width: int | None = None) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (samples, features); got shape {a.shape}")
    if width is not None and a.shape[1] != width:
        raise ValueError(f"{name} has {a.shape[1]} features; expected {width}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return a


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
    a, b = _check_matrix(a, "a"), _check_matrix(b, "b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"a and b must live in the same space; got {a.shape[1]} and {b.shape[1]} columns")
    qa, qb = np.linalg.qr(a.T)[0], np.linalg.qr(b.T)[0]
    cosines = np.linalg.svd(qa.T @ qb, compute_uv=False)
    return np.arccos(np.clip(cosines, -1.0, 1.0))[: min(len(a), len(b))]
