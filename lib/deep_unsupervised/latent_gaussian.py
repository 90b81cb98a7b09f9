"""A latent-variable model in which everything is known in closed form: the linear-Gaussian model.

    z ~ p(z) = N(0, I_m),        x | z ~ p(x|z) = N(W z + b, sigma^2 I_n)

(probabilistic PCA, {cite}`tipping1999probabilistic`). Its evidence p(x) and posterior p(z|x) are
Gaussians with known parameters, so every step of the variational argument (evidence, posterior,
ELBO, KL(q || posterior)) can be computed exactly and checked against Monte-Carlo estimates.

All functions take one observation ``x`` of shape (n,) and return floats (nats) unless they say
otherwise; Gaussians q(z|x) = N(q_mean, q_cov) are passed as a mean (m,) and a covariance (m, m).
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from ._backend.validation import check_array, check_float, check_int, described, invalid

LOG_2PI = np.log(2 * np.pi)


def _gaussian(mean, cov, mean_name="mean", cov_name="cov"):
    """A Gaussian's mean (d,) and covariance (d, d), checked; the covariance must be positive
    definite."""
    mean = check_array(mean_name, mean, ndim=1, dtype="float64")
    d = len(mean)
    cov = check_array(cov_name, cov, shape=(d, d), dtype="float64")
    if not np.allclose(cov, cov.T) or np.any(np.linalg.eigvalsh(cov) <= 0):
        raise invalid(cov_name, "a symmetric positive definite matrix",
                      described(f"eigenvalues {np.round(np.linalg.eigvalsh(cov), 4)}"))
    return mean, cov


def log_normal(x, mean, cov):
    """log N(x; mean, cov) for x of shape (..., d): a full-covariance Gaussian density."""
    mean, cov = _gaussian(mean, cov)
    x = check_array("x", x, dtype="float64")
    if x.ndim == 0 or x.shape[-1] != len(mean):
        raise invalid("x", f"an array whose last axis has {len(mean)} entries",
                      described(f"shape {x.shape}"))
    chol = np.linalg.cholesky(cov)
    diff = np.linalg.solve(chol, (x - mean).reshape(-1, len(mean)).T).T
    log_det = 2 * np.sum(np.log(np.diag(chol)))
    out = -0.5 * (len(mean) * LOG_2PI + log_det + np.sum(diff ** 2, axis=-1))
    return out.reshape(x.shape[:-1])


def gaussian_kl(mean0, cov0, mean1, cov1):
    """KL(N(mean0, cov0) || N(mean1, cov1)) in closed form.

    = 1/2 [tr(S1^-1 S0) + (mu1 - mu0)^T S1^-1 (mu1 - mu0) - d + log det S1 - log det S0]
    """
    mean0, cov0 = _gaussian(mean0, cov0, "mean0", "cov0")
    mean1, cov1 = _gaussian(mean1, cov1, "mean1", "cov1")
    if len(mean1) != len(mean0):
        raise invalid("mean1", f"the dimension of mean0 ({len(mean0)})",
                      described(f"dimension {len(mean1)}"))
    inv1 = np.linalg.inv(cov1)
    diff = mean1 - mean0
    return 0.5 * (np.trace(inv1 @ cov0) + diff @ inv1 @ diff - len(mean0)
                  + np.linalg.slogdet(cov1)[1] - np.linalg.slogdet(cov0)[1])


class LinearGaussian:
    """z ~ N(0, I_m), x | z ~ N(W z + b, sigma^2 I_n).

    Args:
        W: (n, m) loading matrix (the "decoder").
        b: (n,) offset; zeros by default.
        sigma: observation noise standard deviation, > 0.

    Example:
        >>> model = LinearGaussian(W=[[2.0], [1.0]], sigma=0.5)
        >>> z, x = model.sample(3, seed=0)
        >>> x.shape
        (3, 2)
    """

    def __init__(self, W, b=None, sigma=1.0):
        W = check_array("W", W, ndim=2, dtype="float64")
        b = np.zeros(W.shape[0]) if b is None else check_array("b", b, shape=(W.shape[0],),
                                                                dtype="float64")
        self.W, self.b = W, b
        self.sigma = check_float("sigma", sigma, low=0, low_inclusive=False)
        self.n, self.m = W.shape

    def _check_x(self, x):
        return check_array("x", x, shape=(self.n,), dtype="float64")

    def _check_z(self, z):
        z = check_array("z", z, dtype="float64")
        if z.ndim == 0 or z.shape[-1] != self.m:
            raise invalid("z", f"codes whose last axis has m={self.m} entries",
                          described(f"shape {z.shape}"))
        return z

    def _check_q(self, q_mean, q_cov):
        q_mean, q_cov = _gaussian(q_mean, q_cov, "q_mean", "q_cov")
        if len(q_mean) != self.m:
            raise invalid("q_mean", f"a code of shape ({self.m},)",
                          described(f"shape {q_mean.shape}"))
        return q_mean, q_cov

    # -- the generative model ----------------------------------------------------------------
    def sample(self, num, seed=0):
        """Ancestral sampling: z from the prior, then x from p(x|z). Returns (z, x)."""
        num = check_int("num", num, low=1)
        rng = np.random.default_rng(check_int("seed", seed, low=0))
        z = rng.standard_normal((num, self.m))
        return z, z @ self.W.T + self.b + self.sigma * rng.standard_normal((num, self.n))

    def log_prior(self, z):
        """log p(z) for z of shape (..., m)."""
        z = self._check_z(z)
        return -0.5 * np.sum(LOG_2PI + z ** 2, axis=-1)

    def log_likelihood(self, x, z):
        """log p(x|z) for z of shape (..., m)."""
        x, z = self._check_x(x), self._check_z(z)
        resid = x - (z @ self.W.T + self.b)
        return -0.5 * np.sum(LOG_2PI + 2 * np.log(self.sigma) + (resid / self.sigma) ** 2, axis=-1)

    def log_joint(self, x, z):
        """log p(x, z) = log p(x|z) + log p(z)."""
        return self.log_likelihood(x, z) + self.log_prior(z)

    # -- exact inference -------------------------------------------------------------------
    def evidence_cov(self):
        """Covariance of the marginal p(x) = N(b, W W^T + sigma^2 I)."""
        return self.W @ self.W.T + self.sigma ** 2 * np.eye(self.n)

    def log_evidence(self, x):
        """Exact log p(x) = log N(x; b, W W^T + sigma^2 I)."""
        return float(log_normal(self._check_x(x), self.b, self.evidence_cov()))

    def posterior(self, x):
        """Exact posterior p(z|x) = N(mean, cov); returns (mean (m,), cov (m, m))."""
        x = self._check_x(x)
        cov = np.linalg.inv(np.eye(self.m) + self.W.T @ self.W / self.sigma ** 2)
        return cov @ self.W.T @ (x - self.b) / self.sigma ** 2, cov

    def log_posterior(self, z, x):
        """log p(z|x) for z of shape (..., m)."""
        return log_normal(self._check_z(z), *self.posterior(x))

    # -- the ELBO and its pieces, in closed form -------------------------------------------
    def expected_log_likelihood(self, x, q_mean, q_cov):
        """E_{z~q}[log p(x|z)], in closed form.

        = -n/2 log(2 pi sigma^2) - (|x - W mu - b|^2 + tr(W S W^T)) / (2 sigma^2).
        """
        x = self._check_x(x)
        q_mean, q_cov = self._check_q(q_mean, q_cov)
        resid = x - self.W @ q_mean - self.b
        spread = np.trace(self.W @ q_cov @ self.W.T)
        return float(-0.5 * self.n * (LOG_2PI + 2 * np.log(self.sigma))
                     - (resid @ resid + spread) / (2 * self.sigma ** 2))

    def kl_to_prior(self, q_mean, q_cov):
        """KL(q(z|x) || p(z)), the regularisation term."""
        q_mean, q_cov = self._check_q(q_mean, q_cov)
        return float(gaussian_kl(q_mean, q_cov, np.zeros(self.m), np.eye(self.m)))

    def kl_to_posterior(self, x, q_mean, q_cov):
        """KL(q(z|x) || p(z|x)), the gap between log p(x) and the ELBO."""
        q_mean, q_cov = self._check_q(q_mean, q_cov)
        return float(gaussian_kl(q_mean, q_cov, *self.posterior(x)))

    def elbo(self, x, q_mean, q_cov):
        """ELBO = E_q[log p(x|z)] - KL(q || p(z)), exact."""
        return self.expected_log_likelihood(x, q_mean, q_cov) - self.kl_to_prior(q_mean, q_cov)

    # -- Monte-Carlo estimates -------------------------------------------------------------
    def naive_log_evidence(self, x, num_samples, seed=0):
        """log p(x) ~ log (1/S) sum_s p(x|z_s), z_s ~ p(z): sampling codes from the prior."""
        num_samples = check_int("num_samples", num_samples, low=1)
        z = np.random.default_rng(check_int("seed", seed, low=0)).standard_normal(
            (num_samples, self.m))
        return float(logsumexp(self.log_likelihood(x, z)) - np.log(num_samples))

    def importance_log_evidence(self, x, q_mean, q_cov, num_samples, seed=0):
        """log p(x) ~ log (1/S) sum_s p(x, z_s) / q(z_s), z_s ~ q: sampling codes from q instead."""
        q_mean, q_cov = self._check_q(q_mean, q_cov)
        num_samples = check_int("num_samples", num_samples, low=1)
        rng = np.random.default_rng(check_int("seed", seed, low=0))
        z = rng.multivariate_normal(q_mean, q_cov, size=num_samples)
        log_w = self.log_joint(x, z) - log_normal(z, q_mean, q_cov)
        return float(logsumexp(log_w) - np.log(num_samples))

    def elbo_monte_carlo(self, x, q_mean, q_cov, num_samples, seed=0):
        """The ELBO estimated both ways from the same samples z_s ~ q.

        Returns:
            (joint form: mean of log p(x, z) - log q(z),
             split form: mean of log p(x|z), minus the Monte-Carlo KL(q || p(z)))
        """
        q_mean, q_cov = self._check_q(q_mean, q_cov)
        num_samples = check_int("num_samples", num_samples, low=1)
        z = np.random.default_rng(check_int("seed", seed, low=0)).multivariate_normal(
            q_mean, q_cov, size=num_samples)
        log_q = log_normal(z, q_mean, q_cov)
        joint = np.mean(self.log_joint(x, z) - log_q)
        split = np.mean(self.log_likelihood(x, z)) - np.mean(log_q - self.log_prior(z))
        return float(joint), float(split)
