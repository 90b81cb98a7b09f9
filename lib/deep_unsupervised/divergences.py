"""Distances between distributions for the GAN chapter: KL, JS and Wasserstein, and mode coverage.

The lecture's example (Arjovsky et al., 2017, example 1): ``P_0`` is uniform on the segment
``{0} x [0, 1]`` and ``P_theta`` is uniform on the parallel segment ``{theta} x [0, 1]``. For
``theta != 0`` the supports do not overlap, so ``KL = +inf`` and ``JS = log 2`` whatever ``theta``,
while the Wasserstein (earth mover's) distance is ``|theta|``: only it tells the generator which way
to move.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def _as_distribution(p, name):
    p = np.asarray(p, dtype=np.float64)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"'{name}' must be a non-empty 1-D array of probabilities, got shape {p.shape}")
    if np.any(p < 0) or not np.isclose(p.sum(), 1.0, atol=1e-6):
        raise ValueError(f"'{name}' must be non-negative and sum to 1, got sum {p.sum():.6g}")
    return p


def kl_divergence(p, q):
    """``KL(p || q) = sum p log(p / q)`` for discrete distributions; ``+inf`` if p puts mass where q has none."""
    p, q = _as_distribution(p, "p"), _as_distribution(q, "q")
    if p.shape != q.shape:
        raise ValueError(f"'p' and 'q' must have the same shape, got {p.shape} and {q.shape}")
    support = p > 0
    if np.any(q[support] == 0):
        return np.inf
    return float(np.sum(p[support] * np.log(p[support] / q[support])))


def js_divergence(p, q):
    """Jensen-Shannon divergence ``KL(p || m) / 2 + KL(q || m) / 2`` with ``m = (p + q) / 2`` (nats)."""
    p, q = _as_distribution(p, "p"), _as_distribution(q, "q")
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m) + 0.5 * kl_divergence(q, m)


def wasserstein_empirical(a, b):
    """Exact earth mover's distance between two equal-sized point clouds (Euclidean cost).

    With equal weights the optimal transport plan is a permutation, found by the Hungarian algorithm.
    """
    a, b = np.atleast_2d(np.asarray(a, float)), np.atleast_2d(np.asarray(b, float))
    if a.shape != b.shape:
        raise ValueError(f"'a' and 'b' must have the same shape (n, d), got {a.shape} and {b.shape}")
    cost = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=-1)
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].mean())


# -- the parallel-lines example ------------------------------------------------------------------
def parallel_lines_closed_form(theta):
    """KL, JS and Wasserstein between ``P_0`` and ``P_theta`` in closed form (arrays like ``theta``)."""
    theta = np.asarray(theta, dtype=np.float64)
    apart = theta != 0
    return {"KL": np.where(apart, np.inf, 0.0), "JS": np.where(apart, np.log(2.0), 0.0),
            "W": np.abs(theta)}


def parallel_lines_histograms(theta, bins=101, x_range=(-1.01, 1.01)):
    """``P_0`` and ``P_theta`` discretised on a ``bins x bins`` grid over ``x_range x [0, 1]``."""
    if not (x_range[0] <= min(0.0, theta) and max(0.0, theta) < x_range[1]):
        raise ValueError(f"'theta'={theta} must lie inside x_range={x_range}")
    edges = np.linspace(*x_range, bins + 1)

    def hist(x0):
        h = np.zeros((bins, bins))
        h[np.searchsorted(edges, x0, side="right") - 1, :] = 1.0 / bins  # uniform along y
        return h.ravel()

    return hist(0.0), hist(theta)


def parallel_lines_samples(theta, n=200, seed=0):
    """``n`` independent points from each of ``P_0`` and ``P_theta``."""
    rng = np.random.default_rng(seed)
    return np.c_[np.zeros(n), rng.uniform(0, 1, n)], np.c_[np.full(n, theta), rng.uniform(0, 1, n)]


# -- a ring of Gaussians and mode coverage -------------------------------------------------------
def ring_centres(modes=8, radius=2.0):
    """The ``modes`` centres, equally spaced on a circle."""
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.c_[np.cos(angles), np.sin(angles)]


def ring_of_gaussians(n, modes=8, radius=2.0, std=0.05, seed=0):
    """``n`` points from an equal mixture of isotropic Gaussians on a ring (the mode-collapse benchmark)."""
    if modes < 1 or std <= 0:
        raise ValueError(f"need modes >= 1 and std > 0, got modes={modes}, std={std}")
    rng = np.random.default_rng(seed)
    k = rng.integers(modes, size=n)
    return (ring_centres(modes, radius)[k] + std * rng.standard_normal((n, 2))).astype("float32")


def modes_covered(samples, modes=8, radius=2.0, std=0.05, min_fraction=0.01):
    """How many modes a sample set covers, and the fraction of samples that are "good".

    A sample is good if it lies within ``3 std`` of its nearest centre; a mode is covered if at least
    ``min_fraction`` of all samples are good samples of that mode (the metric of Metz et al., 2017).

    Returns:
        ``(covered, good_fraction)``.
    """
    samples = np.asarray(samples)
    if samples.ndim != 2 or samples.shape[1] != 2:
        raise ValueError(f"'samples' must have shape (n, 2), got {samples.shape}")
    dist = np.linalg.norm(samples[:, None, :] - ring_centres(modes, radius)[None], axis=-1)
    nearest, good = dist.argmin(1), dist.min(1) < 3 * std
    counts = np.bincount(nearest[good], minlength=modes)
    return int(np.sum(counts >= min_fraction * len(samples))), float(good.mean())
