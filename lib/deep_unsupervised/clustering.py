"""k-means clustering (Lloyd's algorithm with k-means++ seeding) and cluster purity."""

from __future__ import annotations

import numpy as np

from ._backend.validation import check_array, check_float, check_int, described, invalid


def kmeans(x, k: int, n_init: int = 4, max_iter: int = 100, seed: int = 0, tol: float = 1e-6):
    """Cluster the rows of ``x`` into ``k`` groups.

    Runs Lloyd's algorithm ``n_init`` times from k-means++ starts (Arthur and Vassilvitskii, 2007)
    and keeps the run with the lowest inertia (sum of squared distances to the centres).

    Args:
        x: (N, D) data, one row per point.
        k: number of clusters, 1 <= k <= N.
        n_init: number of k-means++ starts; the best run is kept.
        max_iter: Lloyd iterations per start at most.
        seed: seed of the starts.
        tol: stop when no centre moves by more than this (squared distance).

    Returns:
        (labels, centres, inertia): (N,) cluster index per row, (k, D) centres, a float.
    """
    x = check_array("x", x, ndim=2, dtype="float64")
    k = check_int("k", k, low=1, high=len(x))
    n_init = check_int("n_init", n_init, low=1)
    max_iter = check_int("max_iter", max_iter, low=1)
    tol = check_float("tol", tol, low=0)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    best = None
    for _ in range(n_init):
        centres = _kmeans_pp(x, k, rng)
        for _ in range(max_iter):
            labels, d2 = _assign(x, centres)
            new = np.array([x[labels == j].mean(axis=0) if np.any(labels == j) else centres[j]
                            for j in range(k)])
            shift = np.max(np.sum((new - centres) ** 2, axis=1))
            centres = new
            if shift < tol:
                break
        labels, d2 = _assign(x, centres)
        inertia = float(d2.sum())
        if best is None or inertia < best[2]:
            best = (labels, centres, inertia)
    return best


def assign(x, centres) -> np.ndarray:
    """Index of the nearest centre (squared Euclidean distance) for every row of ``x``.

    Args:
        x: (N, D) points; centres: (k, D) centres, e.g. from :func:`kmeans`.

    Returns:
        (N,) integer array of cluster indices.
    """
    centres = check_array("centres", centres, ndim=2, dtype="float64")
    x = check_array("x", x, shape=(None, centres.shape[1]), dtype="float64")
    return _assign(x, centres)[0]


def _assign(x, centres):
    d2 = (np.sum(x ** 2, axis=1)[:, None] - 2 * x @ centres.T
          + np.sum(centres ** 2, axis=1)[None, :])
    labels = d2.argmin(axis=1)
    return labels, np.maximum(d2[np.arange(len(x)), labels], 0.0)


def _kmeans_pp(x, k, rng):
    centres = [x[rng.integers(len(x))]]
    for _ in range(1, k):
        _, d2 = _assign(x, np.array(centres))
        probs = d2 / d2.sum() if d2.sum() > 0 else np.full(len(x), 1 / len(x))
        centres.append(x[rng.choice(len(x), p=probs)])
    return np.array(centres)


def cluster_purity(clusters, labels) -> float:
    """Fraction of points whose label is the majority label of their cluster.

    1.0 means every cluster holds one class; random clusters of balanced classes score a little
    above 1/C for C classes. Labels are used only here, never by the clustering itself.

    Args:
        clusters: (N,) cluster index of each point (any integers or labels).
        labels: (N,) non-negative integer class of each point.
    """
    clusters = check_array("clusters", clusters, ndim=1, dtype=None)
    labels = check_array("labels", labels, ndim=1, dtype=None)
    if len(labels) != len(clusters) or len(labels) == 0:
        raise invalid("labels", f"a non-empty array as long as clusters ({len(clusters)})",
                      described(f"length {len(labels)}"))
    if not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
        raise invalid("labels", "non-negative integer class labels",
                      described(f"dtype {labels.dtype}, minimum {labels.min()}"))
    total = 0
    for c in np.unique(clusters):
        total += np.bincount(labels[clusters == c]).max()
    return total / len(labels)
