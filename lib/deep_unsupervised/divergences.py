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

from .metrics import squared_distances
from ._backend.validation import check_array, check_float, check_int, described, invalid


def _as_distribution(p, name):
    p = check_array(name, p, ndim=1, dtype=np.float64)
    if p.size == 0 or np.any(p < 0) or not np.isclose(p.sum(), 1.0, atol=1e-6):
        raise invalid(name, "non-negative probabilities that sum to 1",
                      described(f"{p.size} values summing to {p.sum():.6g}"))
    return p


def kl_divergence(p, q):
    """``KL(p || q) = sum p log(p / q)`` for discrete distributions.

    ``+inf`` if ``p`` puts mass where ``q`` has none.
    """
    p, q = _as_distribution(p, "p"), _as_distribution(q, "q")
    if p.shape != q.shape:
        raise invalid("q", f"as many probabilities as p ({p.size})", described(f"{q.size}"))
    support = p > 0
    if np.any(q[support] == 0):
        return np.inf
    return float(np.sum(p[support] * np.log(p[support] / q[support])))


def js_divergence(p, q):
    """Jensen-Shannon divergence ``KL(p || m) / 2 + KL(q || m) / 2``, ``m = (p + q) / 2`` (nats)."""
    p, q = _as_distribution(p, "p"), _as_distribution(q, "q")
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m) + 0.5 * kl_divergence(q, m)


def wasserstein_empirical(a, b):
    """Exact earth mover's distance between two equal-sized point clouds (Euclidean cost).

    With equal weights the optimal transport plan is a permutation, found by the Hungarian
    algorithm.
    """
    a = np.atleast_2d(check_array("a", a, ndim=(1, 2), dtype=np.float64))
    b = np.atleast_2d(check_array("b", b, ndim=(1, 2), dtype=np.float64))
    if a.shape != b.shape:
        raise invalid("b", f"an array of the same shape as a {a.shape}",
                      described(f"shape {b.shape}"))
    cost = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=-1)
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].mean())


# -- the parallel-lines example ------------------------------------------------------------------
def parallel_lines_closed_form(theta):
    """KL, JS and Wasserstein between ``P_0`` and ``P_theta`` in closed form (like ``theta``)."""
    theta = check_array("theta", theta, dtype=np.float64)
    apart = theta != 0
    return {"KL": np.where(apart, np.inf, 0.0), "JS": np.where(apart, np.log(2.0), 0.0),
            "W": np.abs(theta)}


def parallel_lines_histograms(theta, bins=101, x_range=(-1.01, 1.01)):
    """``P_0`` and ``P_theta`` discretised on a ``bins x bins`` grid over ``x_range x [0, 1]``."""
    theta = check_float("theta", theta)
    bins = check_int("bins", bins, low=1)
    if not (x_range[0] <= min(0.0, theta) and max(0.0, theta) < x_range[1]):
        raise invalid("theta", f"{x_range[0]} <= theta < {x_range[1]} (inside x_range)", theta)
    edges = np.linspace(*x_range, bins + 1)

    def hist(x0):
        h = np.zeros((bins, bins))
        h[np.searchsorted(edges, x0, side="right") - 1, :] = 1.0 / bins  # uniform along y
        return h.ravel()

    return hist(0.0), hist(theta)


def parallel_lines_samples(theta, n=200, seed=0):
    """``n`` independent points from each of ``P_0`` and ``P_theta``."""
    theta, n = check_float("theta", theta), check_int("n", n, low=1)
    rng = np.random.default_rng(seed)
    return np.c_[np.zeros(n), rng.uniform(0, 1, n)], np.c_[np.full(n, theta), rng.uniform(0, 1, n)]


# -- mixtures of Gaussians and mode coverage ------------------------------------------------------
def ring_centres(modes=8, radius=2.0):
    """The ``modes`` centres, equally spaced on a circle."""
    modes = check_int("modes", modes, low=1)
    angles = 2 * np.pi * np.arange(modes) / modes
    return check_float("radius", radius, low=0) * np.c_[np.cos(angles), np.sin(angles)]


def grid_centres(side=5, spacing=2.0):
    """``side x side`` centres on a square grid centred at 0 (5 x 5, spacing 2: -4 ... 4)."""
    side = check_int("side", side, low=1)
    ticks = (np.arange(side) - (side - 1) / 2) * check_float("spacing", spacing, low=0,
                                                              low_inclusive=False)
    return np.stack(np.meshgrid(ticks, ticks), -1).reshape(-1, 2)


def gaussian_mixture(n, centres, std=0.05, seed=0):
    """``n`` points from an equal mixture of isotropic Gaussians at ``centres`` ``(k, 2)``."""
    n = check_int("n", n, low=1)
    centres = check_array("centres", centres, ndim=2, dtype=np.float64)
    std = check_float("std", std, low=0, low_inclusive=False)
    rng = np.random.default_rng(seed)
    k = rng.integers(len(centres), size=n)
    return (centres[k] + std * rng.standard_normal((n, centres.shape[1]))).astype("float32")


def ring_of_gaussians(n, modes=8, radius=2.0, std=0.05, seed=0):
    """``n`` points from an equal mixture of Gaussians on a ring (the mode-collapse benchmark)."""
    return gaussian_mixture(n, ring_centres(modes, radius), std=std, seed=seed)


def modes_covered(samples, modes=8, radius=2.0, std=0.05, min_fraction=0.01, centres=None):
    """How many modes a sample set covers, and the fraction of samples that are "good".

    A sample is good ("high quality") if it lies within ``3 std`` of its nearest centre; a mode is
    covered if at least ``min_fraction`` of all samples are good samples of that mode. This is the
    protocol of the unrolled-GAN paper (Metz et al., 2017) and VEEGAN (Srivastava et al., 2017).

    Args:
        samples: ``(n, 2)`` generated points.
        modes, radius: the ring the centres lie on, unless ``centres`` is given.
        std: the standard deviation of each mode.
        min_fraction: the share of all samples a mode needs to count as covered.
        centres: ``(k, 2)`` mode centres (e.g. :func:`grid_centres`), replacing the ring.

    Returns:
        ``(covered, good_fraction)``.
    """
    samples = check_array("samples", samples, shape=(None, 2), dtype=np.float64)
    centres = (ring_centres(modes, radius) if centres is None
               else check_array("centres", centres, shape=(None, 2), dtype=np.float64))
    std = check_float("std", std, low=0, low_inclusive=False)
    min_fraction = check_float("min_fraction", min_fraction, low=0, high=1)
    dist = np.sqrt(squared_distances(samples, centres))
    nearest, good = dist.argmin(1), dist.min(1) < 3 * std
    counts = np.bincount(nearest[good], minlength=len(centres))
    return int(np.sum(counts >= min_fraction * len(samples))), float(good.mean())
