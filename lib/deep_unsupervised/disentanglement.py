"""Measuring disentanglement: the mutual information gap (MIG) of Chen et al. (2018).

For every ground-truth factor v_k (shape, position, ...) and every code element z_j we estimate the
mutual information I(z_j; v_k) from samples, after cutting each z_j into equal-width bins (the
estimator used by :cite:`chen2018isolating` for discrete factors and by the common reference
implementation). A representation is *disentangled* when each factor is captured by one code
element and by no other, so for each factor we take the gap between the most and the second-most
informative code element, normalised by the factor's entropy H(v_k):

    MIG = 1/K  sum_k  ( I(z_{j1}; v_k) - I(z_{j2}; v_k) ) / H(v_k)

MIG is 1 when every factor is copied into its own code element and 0 when the two best code
elements know equally much about it (for example when a factor is smeared over many elements).

A second, published metric, :func:`dci_disentanglement` (Eastwood & Williams, 2018,
{cite}`eastwood2018framework`), looks at the same question from the code's side: a random forest
predicts each factor from the code, its feature importances form a matrix R (codes x factors), and
an element scores 1 when it matters for one factor only. Published MIG implementations differ by
large factors, so the book reports the two side by side.
"""

from __future__ import annotations

import numpy as np

from ._backend.validation import check_choice, check_int, described, invalid


def discretize(z, n_bins: int = 20, strategy: str = "uniform") -> np.ndarray:
    """Bin each column of ``z`` into ``n_bins`` bins.

    Args:
        z: (N, d) array.
        n_bins: bins per column.
        strategy: ``"uniform"``: equal-width bins over the column's range (the published MIG
            estimator); ``"quantile"``: bins holding equal numbers of samples, insensitive to
            outliers and to any monotone rescaling of the column.

    Returns:
        int array of the same shape with values in [0, n_bins).
    """
    z = _check_matrix(z, "z")
    n_bins = check_int("n_bins", n_bins, low=2)
    check_choice("strategy", strategy, ("uniform", "quantile"))
    if strategy == "quantile":
        ranks = np.argsort(np.argsort(z, axis=0, kind="stable"), axis=0)
        return ranks * n_bins // len(z)
    lo, hi = z.min(axis=0), z.max(axis=0)
    width = np.where(hi > lo, hi - lo, 1.0)
    bins = np.floor((z - lo) / width * n_bins).astype(int)
    return np.clip(bins, 0, n_bins - 1)


def entropy(labels) -> float:
    """Entropy (nats) of the empirical distribution of a 1-D array of discrete labels."""
    _, counts = np.unique(np.asarray(labels), return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())


def mutual_information(a, b) -> float:
    """Mutual information (nats) between two 1-D arrays of discrete labels, from their joint counts."""
    a, b = np.asarray(a).ravel(), np.asarray(b).ravel()
    if len(a) != len(b):
        raise invalid("b", f"as many labels as a ({len(a)})", described(f"{len(b)} labels"))
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    joint = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(joint, (ia, ib), 1.0)
    p = joint / len(a)
    pa, pb = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    nz = p > 0
    return float((p[nz] * np.log(p[nz] / (pa @ pb)[nz])).sum())


def mutual_information_matrix(z, factors, n_bins: int = 20, strategy: str = "uniform") -> np.ndarray:
    """I(z_j; v_k) for every code element j and factor k, shape (n_codes, n_factors), in nats."""
    z, factors = _check_pair(z, factors)
    zb = discretize(z, n_bins, strategy)
    return np.array([[mutual_information(zb[:, j], factors[:, k]) for k in range(factors.shape[1])]
                     for j in range(z.shape[1])])


def mig(z, factors, n_bins: int = 20, return_details: bool = False, strategy: str = "uniform"):
    """Mutual information gap (Chen et al., 2018) of codes ``z`` with respect to discrete ``factors``.

    Args:
        z: (N, n_codes) codes, e.g. the encoder means of N images (needs n_codes >= 2).
        factors: (N, n_factors) discrete ground-truth factors (e.g. indices).
        n_bins: bins per code element for the MI estimate.
        strategy: binning, ``"uniform"`` (published) or ``"quantile"`` (see :func:`discretize`).
        return_details: also return a dict with the MI matrix, factor entropies and per-factor gaps.

    Returns:
        the MIG in [0, 1] (and the details dict if asked).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> v = rng.integers(0, 10, size=(5000, 2))
        >>> round(mig(v + 0.01 * rng.normal(size=v.shape), v), 2)
        1.0
    """
    z, factors = _check_pair(z, factors)
    if z.shape[1] < 2:
        raise invalid("z", "at least 2 code elements (columns)", described(f"shape {z.shape}"))
    mi = mutual_information_matrix(z, factors, n_bins, strategy)
    h = _factor_entropies(factors)
    top2 = np.sort(mi, axis=0)[-2:]                        # second-best and best code element
    gaps = (top2[1] - top2[0]) / h
    score = float(gaps.mean())
    if return_details:
        return score, {"mi": mi, "entropy": h, "gaps": gaps, "normalized_mi": mi / h}
    return score


def dci_disentanglement(z, factors, n_trees: int = 10, seed: int = 0,
                        return_details: bool = False):
    """DCI disentanglement (Eastwood & Williams, 2018) from random-forest feature importances.

    For each factor a random forest classifies the factor's value from the code; its importances
    form column k of R (n_codes, n_factors). Row j, normalised to P_j = R_j / sum_k R_jk, scores
    D_j = 1 - H(P_j) / log K (1: element j matters for one factor only), and the elements are
    weighted by their share of the total importance.

    Args:
        z: (N, n_codes) codes; factors: (N, n_factors) discrete factors (at least two).
        n_trees: trees per forest; seed: the forests' seed.
        return_details: also return a dict with the importance matrix and per-element scores.

    Returns:
        D in [0, 1] (and the details dict if asked).
    """
    from sklearn.ensemble import RandomForestClassifier  # only needed here

    z, factors = _check_pair(z, factors)
    n_trees, k = check_int("n_trees", n_trees, low=1), factors.shape[1]
    if k < 2:
        raise invalid("factors", "at least 2 factors (columns)",
                      described(f"shape {factors.shape}"))
    _factor_entropies(factors)
    r = np.stack([RandomForestClassifier(n_trees, max_depth=8, max_features=None,
                                         min_samples_leaf=10, random_state=seed)
                  .fit(z, factors[:, j]).feature_importances_ for j in range(k)], axis=1)
    p = r / np.maximum(r.sum(axis=1, keepdims=True), 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.sum(np.where(p > 0, p * np.log(p), 0.0), axis=1) / np.log(k)
    per_code, weights = 1.0 - h, r.sum(axis=1) / r.sum()
    score = float(np.sum(weights * per_code))
    if return_details:
        return score, {"importance": r, "per_code": per_code, "weights": weights}
    return score


def _factor_entropies(factors) -> np.ndarray:
    h = np.array([entropy(factors[:, k]) for k in range(factors.shape[1])])
    if np.any(h <= 0):
        raise invalid("factors", "every factor to take at least two values",
                      described(f"factor entropies {np.round(h, 3).tolist()}"))
    return h


def _check_matrix(a, name: str) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if a.ndim != 2 or len(a) == 0:
        raise invalid(name, "a non-empty 2-D array (N, d)", described(f"shape {a.shape}"))
    if not np.all(np.isfinite(a)):
        raise invalid(name, "finite values", described("NaN or infinite values"))
    return a


def _check_pair(z, factors):
    z = _check_matrix(z, "z")
    factors = np.asarray(factors)
    if factors.ndim == 1:
        factors = factors[:, None]
    if factors.ndim != 2 or len(factors) != len(z):
        raise invalid("factors", f"shape (N, n_factors) with N = len(z) = {len(z)}",
                      described(f"shape {factors.shape}"))
    return z, factors


# -- reference codes: what the metrics give at known points ---------------------------------------
def random_rotations(n: int, dim: int, seed: int = 0) -> np.ndarray:
    """``n`` random orthogonal (dim, dim) matrices, drawn uniformly (from the Haar measure).

    The Q factor of a Gaussian matrix is uniform only after each column's sign is fixed by the
    sign of R's diagonal (Mezzadri, 2007); without the fix some directions are favoured. About
    half of the matrices are reflections (determinant -1); the MIG does not see the difference,
    since flipping an element's sign does not change what it knows.

    Returns:
        array (n, dim, dim).

    Example:
        >>> q = random_rotations(3, 4)
        >>> bool(np.allclose(q[0] @ q[0].T, np.eye(4)))
        True
    """
    n, dim = check_int("n", n, low=1), check_int("dim", dim, low=1)
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim, dim))
    for i in range(n):
        q, r = np.linalg.qr(rng.normal(size=(dim, dim)))
        out[i] = q * np.where(np.diag(r) < 0, -1.0, 1.0)
    return out


def rotation_baseline(factors, n_rotations: int = 200, seed: int = 0) -> np.ndarray:
    """MIG of the true factors, standardised and randomly rotated: a code that holds all the
    information but prefers no axes.

    Args:
        factors: (N, K) factor indices.
        n_rotations: how many uniform random rotations (:func:`random_rotations`) to score.
        seed: seed of the rotations and of the small noise that breaks ties in the bins.

    Returns:
        array (n_rotations,) of MIGs.
    """
    factors = _check_pair(np.zeros((len(np.asarray(factors)), 2)), factors)[1]
    rng = np.random.default_rng(seed)
    ideal = (factors - factors.mean(0)) / factors.std(0)
    ideal = ideal + 0.01 * rng.normal(size=ideal.shape)
    return np.array([mig(ideal @ q, factors)
                     for q in random_rotations(n_rotations, ideal.shape[1], seed=seed)])


def prior_matched(values) -> np.ndarray:
    """Each column of ``values`` turned into standard normal quantiles of its (mid-)ranks.

    This is the code of an element that stores a quantity exactly and in order, but whose
    marginal distribution matches the N(0, 1) prior of a VAE: a uniform factor is stretched at
    its ends and squeezed in the middle. Tied values share one code value.

    Args:
        values: (N,) or (N, d) array.

    Returns:
        float array of the same shape.
    """
    from scipy.special import ndtri
    from scipy.stats import rankdata

    a = np.asarray(values, dtype=float)
    flat = _check_matrix(a.reshape(len(a), -1), "values")
    ranks = rankdata(flat, axis=0)                       # 1..N, ties share their mean rank
    return ndtri((ranks - 0.5) / len(flat)).reshape(a.shape)


# -- looking at codes factor by factor (the lecture's "Results" figures) ---------------------------
def factor_means(z, factors, columns) -> np.ndarray:
    """Mean of every code element for every combination of the factor ``columns``.

    Args:
        z: (N, n_codes) codes.
        factors: (N, n_factors) non-negative integer factor indices.
        columns: indices of the factors to group by, e.g. (1, 2) for the x and y positions.

    Returns:
        array (n_codes, size_1, size_2, ...) of means (NaN where a combination never occurs);
        all other factors are averaged over.
    """
    z, factors = _check_pair(z, factors)
    columns = list(np.atleast_1d(columns))
    keys = factors[:, columns].astype(int)
    if np.any(keys < 0):
        raise invalid("factors", "non-negative integer indices", described("negative values"))
    sizes = tuple(keys.max(axis=0) + 1)
    flat = np.ravel_multi_index(keys.T, sizes)
    counts = np.bincount(flat, minlength=int(np.prod(sizes)))
    sums = np.stack([np.bincount(flat, weights=z[:, j], minlength=len(counts)) for j in range(z.shape[1])])
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)
    return means.reshape((z.shape[1],) + sizes)


def traversal_codes(z_base, z_all, n_steps: int = 7, quantiles=(0.02, 0.98)) -> np.ndarray:
    """Codes for "shifting the code": vary one element at a time over its observed range.

    Args:
        z_base: (n_codes,) the code to start from (e.g. the encoding of one image).
        z_all: (N, n_codes) codes of a data set; element j is swept between its ``quantiles``.
        n_steps: values per element.

    Returns:
        (n_codes * n_steps, n_codes) array, row j * n_steps + s = z_base with element j at step s.
    """
    z_base = np.asarray(z_base, dtype=float).ravel()
    z_all = _check_matrix(z_all, "z_all")
    if z_all.shape[1] != len(z_base):
        raise invalid("z_all", f"{len(z_base)} columns, one per element of z_base",
                      described(f"shape {z_all.shape}"))
    n_steps = check_int("n_steps", n_steps, low=2)
    lo, hi = np.quantile(z_all, quantiles, axis=0)
    m = len(z_base)
    codes = np.tile(z_base, (m, n_steps, 1))
    for j in range(m):
        codes[j, :, j] = np.linspace(lo[j], hi[j], n_steps)
    return codes.reshape(m * n_steps, m)


def plane_angles(z, factors, pair) -> tuple[np.ndarray, np.ndarray]:
    """Where each code element points in the plane of two factors (the positions, say).

    Each element is fitted by least squares as a + b u + c v, with u and v the two factors of
    ``pair`` standardised. Its angle is the direction of (b, c), in degrees in [0, 180): 0 when
    the element follows the first factor, 90 when it follows the second, 45 or 135 when it
    follows both alike. R² says how much of the element's variance the plane explains; an angle
    means little when R² is small.

    Args:
        z: (N, n_codes) codes.
        factors: (N, n_factors) factor values or indices.
        pair: the two factor columns, e.g. (x, y).

    Returns:
        ``(angles, r2)``, two arrays (n_codes,).

    Example:
        >>> f = np.random.default_rng(0).integers(0, 16, size=(2000, 2))
        >>> u = (f - f.mean(0)) / f.std(0)
        >>> t = np.radians(30)
        >>> angles, r2 = plane_angles(u @ [[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]],
        ...                           f, (0, 1))
        >>> np.round(angles).tolist(), np.round(r2, 3).tolist()
        ([30.0, 120.0], [1.0, 1.0])
    """
    z, factors = _check_pair(z, factors)
    pair = [check_int("pair", k, low=0, high=factors.shape[1] - 1) for k in np.ravel(pair)]
    if len(pair) != 2 or pair[0] == pair[1]:
        raise invalid("pair", "two different factor columns", described(f"{pair}"))
    uv = factors[:, pair].astype(float)
    sd = uv.std(axis=0)
    if np.any(sd == 0):
        raise invalid("factors", "two factors that vary", described(f"a constant column in {pair}"))
    design = np.c_[np.ones(len(uv)), (uv - uv.mean(axis=0)) / sd]
    coef = np.linalg.lstsq(design, z, rcond=None)[0]          # (3, n_codes)
    residual = z - design @ coef
    var = z.var(axis=0)
    r2 = np.where(var > 0, 1 - residual.var(axis=0) / np.where(var > 0, var, 1), 0.0)
    angles = np.degrees(np.arctan2(coef[2], coef[1])) % 180
    return angles, r2


# -- choosing a model without labels: UDR (Duan et al., 2020) -------------------------------------
def udr_pair(z_a, z_b, kl_a=None, kl_b=None, threshold: float = 0.01) -> float:
    """Unsupervised Disentanglement Ranking score of two models' codes of the same images.

    Only the informative elements count (KL above ``threshold`` nats, when ``kl_a``/``kl_b``
    are given). R holds |Spearman correlation| between every element a of one code and every
    element b of the other. An element scores r²/Σr over its row (or column): 1 when it matches
    exactly one element of the other code, about 1/n when it is spread over n of them. The
    score averages both directions (the UDR_S of Duan et al., 2020).

    Args:
        z_a, z_b: (N, d_a) and (N, d_b) codes (e.g. encoder means) of the same N inputs.
        kl_a, kl_b: (d_a,), (d_b,) KL per element, nats; ``None`` keeps every element.
        threshold: the KL below which an element is switched off and left out.

    Returns:
        a score in [0, 1]; 0 when either code has no informative element.

    Example:
        >>> z = np.random.default_rng(0).normal(size=(5000, 3))
        >>> round(udr_pair(z, -z[:, ::-1]), 1)     # the same axes, permuted and flipped
        1.0
    """
    z_a, z_b = _check_matrix(z_a, "z_a"), _check_matrix(z_b, "z_b")
    if len(z_a) != len(z_b):
        raise invalid("z_b", f"as many rows as z_a ({len(z_a)})", described(f"{len(z_b)} rows"))
    z_a, z_b = _informative(z_a, kl_a, threshold, "kl_a"), _informative(z_b, kl_b, threshold,
                                                                        "kl_b")
    if z_a.shape[1] == 0 or z_b.shape[1] == 0:
        return 0.0
    r = np.abs(_standard_ranks(z_a).T @ _standard_ranks(z_b)) / len(z_a)   # |Spearman|
    with np.errstate(divide="ignore", invalid="ignore"):
        rows = np.nan_to_num(r.max(axis=1) ** 2 / r.sum(axis=1))
        cols = np.nan_to_num(r.max(axis=0) ** 2 / r.sum(axis=0))
    return float((rows.mean() + cols.mean()) / 2)


def udr(codes, kls=None, threshold: float = 0.01):
    """UDR of several models trained with the same settings (Duan et al., 2020).

    Each model's score is the median of its :func:`udr_pair` scores against every other model:
    disentangled solutions resemble each other up to permutation and sign, while entangled ones
    differ from seed to seed (each mixes the factors in its own way).

    Args:
        codes: a list of (N, d) codes of the same N inputs, one per model (at least 2).
        kls: a list of (d,) KL per element, one per model, or ``None``.
        threshold: see :func:`udr_pair`.

    Returns:
        ``(scores, pairs)``: array (n_models,), and the (n_models, n_models) pair scores (1 on
        the diagonal).
    """
    n = len(codes)
    if n < 2:
        raise invalid("codes", "the codes of at least 2 models", described(f"{n}"))
    if kls is not None and len(kls) != n:
        raise invalid("kls", f"one KL array per model ({n})", described(f"{len(kls)}"))
    kls = [None] * n if kls is None else kls
    pairs = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            pairs[i, j] = pairs[j, i] = udr_pair(codes[i], codes[j], kls[i], kls[j], threshold)
    return np.array([np.median(np.delete(pairs[i], i)) for i in range(n)]), pairs


def _standard_ranks(z):
    """Each column's ranks, standardised (a constant column becomes 0)."""
    from scipy.stats import rankdata

    ranks = rankdata(z, axis=0)
    sd = ranks.std(axis=0)
    return (ranks - ranks.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


def udr_table(seeds, udr_scores, mig, pick, rotations_mean: float, angles=None,
              r2=None) -> str:
    """A Markdown table of models ranked without labels: per seed its UDR score, its MIG (which
    needs the factors) and the MIG over ``rotations_mean`` (random rotations' MIG); the seed
    ``pick`` (UDR's choice) is marked. With ``angles`` and ``r2`` (per seed, of its two most
    informative elements, the positions in a good seed; :func:`plane_angles`), a last column shows
    them. ``benchmarks/udr.py``
    records all of these."""
    extra = angles is not None and r2 is not None
    rows = ["| seed | UDR (no labels) | MIG (needs the factors) | MIG / rotations |"
            + (" two most informative elements: angle in x-y (R²) |" if extra else ""),
            "| ---: | ---: | ---: | ---: |" + (" ---: |" if extra else "")]
    for i, (seed, score, m) in enumerate(zip(seeds, udr_scores, mig)):
        mark = " (UDR's pick)" if seed == pick else ""
        row = f"| {seed}{mark} | {score:.3f} | {m:.3f} | {m / rotations_mean:.2f} |"
        if extra:
            row += " " + ", ".join(f"{a:.0f}° ({q:.2f})" for a, q in zip(angles[i], r2[i])) + " |"
        rows.append(row)
    return "\n".join(rows)


def _informative(z, kl, threshold, name):
    if kl is None:
        return z
    kl = np.asarray(kl, dtype=float).ravel()
    if len(kl) != z.shape[1]:
        raise invalid(name, f"one KL value per code element ({z.shape[1]})",
                      described(f"{len(kl)} values"))
    return z[:, kl > threshold]
