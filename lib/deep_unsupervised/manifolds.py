"""Generated data lying near curved, low-dimensional manifolds, where linear methods (PCA) fail.

* :func:`spiral`: a noisy 1-D curve (an Archimedean spiral arc) in the plane.
* :func:`swiss_roll`: a noisy 2-D sheet rolled up in 3-D.

Each generator returns the points and their intrinsic coordinate(s), and
:func:`distance_to_spiral` measures how far points are from the noise-free spiral, so the
reconstructions of a model can be scored against the manifold itself.
"""

from __future__ import annotations

import numpy as np

from ._backend.validation import check_array, check_float, check_int


def spiral_curve(t, turns: float = 1.5) -> np.ndarray:
    """Noise-free points of the spiral r = t, angle = 2π·turns·t (shape t.shape + (2,)).

    The book samples t in [0.25, 1]; any real t is accepted.
    """
    t = check_array("t", t, dtype="float64")
    turns = check_float("turns", turns, low=0)
    angle = 2 * np.pi * turns * t
    return np.stack([t * np.cos(angle), t * np.sin(angle)], axis=-1)


def spiral(n: int = 2000, turns: float = 1.5, noise: float = 0.01, seed: int = 0):
    """Points scattered around a spiral arc: a 1-D manifold curled up in 2-D.

    Args:
        n: number of points.
        turns: how many times the arc winds around the origin (0 gives a straight segment).
        noise: standard deviation of the isotropic Gaussian noise added to each point.

    Returns:
        (x, t): points of shape (n, 2), float32, and their position t in [0.25, 1] along the arc.
    """
    n = check_int("n", n, low=1)
    turns = check_float("turns", turns, low=0)
    noise = check_float("noise", noise, low=0)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    t = rng.uniform(0.25, 1.0, n)
    x = spiral_curve(t, turns) + noise * rng.standard_normal((n, 2))
    return x.astype(np.float32), t


def distance_to_spiral(x, turns: float = 1.5, resolution: int = 20_000) -> np.ndarray:
    """Euclidean distance from each point of ``x`` (N, 2) to the noise-free spiral arc.

    The arc is sampled at ``resolution`` points; the error of this approximation is at most half
    the spacing between samples (about 5e-4 for the defaults).
    """
    x = check_array("x", x, shape=(None, 2), dtype="float64")
    resolution = check_int("resolution", resolution, low=2)
    curve = spiral_curve(np.linspace(0.25, 1.0, resolution), turns)
    best = np.full(len(x), np.inf)
    for start in range(0, len(x), 512):  # chunks keep the (chunk, resolution) matrix small
        chunk = x[start:start + 512]
        d2 = ((chunk[:, None, :] - curve[None, :, :]) ** 2).sum(axis=-1)
        best[start:start + 512] = d2.min(axis=1)
    return np.sqrt(best)


def swiss_roll(n: int = 2000, noise: float = 0.05, seed: int = 0):
    """Points near a swiss roll: a 2-D sheet (angle × height) rolled up in 3-D.

    Returns:
        (x, u): points of shape (n, 3), float32, within [-1, 1]³ up to the noise, and the intrinsic
        coordinates (n, 2): the angle along the roll (in [1.5π, 4.5π]) and the height.
    """
    n = check_int("n", n, low=1)
    noise = check_float("noise", noise, low=0)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    angle = 1.5 * np.pi * (1 + 2 * rng.uniform(size=n))
    height = rng.uniform(-1, 1, n)
    radius = angle / (4.5 * np.pi)  # the outer edge of the roll has radius 1
    x = np.stack([radius * np.cos(angle), height, radius * np.sin(angle)], axis=1)
    x = x + noise * rng.standard_normal((n, 3))
    return x.astype(np.float32), np.stack([angle, height], axis=1)
