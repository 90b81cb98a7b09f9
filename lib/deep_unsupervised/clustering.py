"""k-means clustering (Lloyd's algorithm with k-means++ seeding) and cluster purity."""

from __future__ import annotations

import numpy as np


def kmeans(x, k: int, n_init: int = 4, max_iter: int = 100, seed: int = 0, tol: float = 1e-6):
    """Cluster the rows of ``x`` into ``k`` groups.

    Runs Lloyd's algorithm ``n_init`` times from k-means++ starts (Arthur and Vassilvitskii, 2007)
    and keeps the run with the lowest inertia (sum of squared distances to the centres).

    Returns:
        (labels, centres, inertia): (N,) cluster index per row, (k, D) centres, a float.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (samples, features); got shape {x.shape}")
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= len(x):
        raise ValueError(f"Invalid value for argument 'k': expected 1 <= k <= {len(x)}, received k={k!r}")
    rng = np.random.default_rng(seed)
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


def _assign(x, centres):
    d2 = (np.sum(x ** 2, axis=1)[:, None] - 2 * x @ centres.T + np.sum(centres ** 2, axis=1)[None, :])
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

    1.0 means every cluster holds one class; with k clusters and C balanced classes, chance is
    about max(1/C, ...). Labels are used only here, never by the clustering itself.
    """
    clusters, labels = np.asarray(clusters), np.asarray(labels)
    if clusters.shape != labels.shape or clusters.ndim != 1:
        raise ValueError(f"clusters and labels must be 1-D and of equal length; got {clusters.shape} "
                         f"and {labels.shape}")
    total = 0
    for c in np.unique(clusters):
        total += np.bincount(labels[clusters == c]).max()
    return total / len(labels)
