"""Sample-quality metrics: nearest-neighbour distances, and the Fréchet distance on the features
of a small MNIST classifier.

The Fréchet inception distance (Heusel et al., 2017) fits a Gaussian to the features of real and
of generated images and measures ``||mu_1 - mu_2||^2 + tr(C_1 + C_2 - 2 (C_1 C_2)^{1/2})``.
Inception-v3 features mean nothing for 28x28 digits, so we use the penultimate layer of a digit
classifier instead; the numbers are comparable only within this book.

The module imports NumPy and SciPy only; Keras is imported by the functions that build networks.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg

from ._backend.validation import check_array, check_int, check_ints, described, invalid, wrong_type


def squared_distances(a, b):
    """All squared Euclidean distances between the rows of ``a`` ``(n, ...)`` and ``b`` ``(m, ...)``.

    Uses ``|a - b|^2 = |a|^2 + |b|^2 - 2 a.b`` in float64, so the largest intermediate array has
    ``n x m`` entries instead of the ``n x m x d`` of broadcasting; rounding can make the
    expansion slightly negative, so it is clipped at 0.

    Returns:
        An ``(n, m)`` float64 array.
    """
    a, b = _flat("a", a), _flat("b", b)
    if a.shape[1] != b.shape[1]:
        raise invalid("b", f"rows of {a.shape[1]} numbers like a", described(f"shape {b.shape}"))
    d2 = np.sum(a ** 2, axis=1)[:, None] + np.sum(b ** 2, axis=1)[None, :] - 2.0 * a @ b.T
    return np.maximum(d2, 0.0)


def nearest_neighbours(queries, references, batch_size=1024):
    """Index of, and Euclidean distance to, the nearest row of ``references`` for each query.

    Images are flattened; the queries are processed ``batch_size`` at a time, so memory stays
    at ``batch_size x len(references)`` numbers.

    Returns:
        ``(indices, distances)``, two arrays of shape ``(n,)``.
    """
    queries, references = _flat("queries", queries), _flat("references", references)
    batch_size = check_int("batch_size", batch_size, low=1)
    indices, distances = [], []
    for start in range(0, len(queries), batch_size):
        d2 = squared_distances(queries[start:start + batch_size], references)
        best = d2.argmin(axis=1)
        indices.append(best)
        distances.append(np.sqrt(d2[np.arange(len(best)), best]))
    return np.concatenate(indices), np.concatenate(distances)


def _flat(name, x):
    x = check_array(name, x, dtype=np.float64)
    if x.ndim < 2 or len(x) == 0:
        raise invalid(name, "an array of shape (n >= 1, ...)", described(f"shape {x.shape}"))
    return x.reshape(len(x), -1)


def mnist_classifier(features=64, filters=(16, 32)):
    """A small CNN digit classifier whose penultimate layer (``"features"``) feeds the metric.

    Returned uncompiled: train it with ``training.fit(..., loss="sparse_categorical_crossentropy")``.
    """
    import keras
    from keras import layers

    features = check_int("features", features, low=1)
    x = keras.Input((28, 28, 1))
    h = x
    for f in check_ints("filters", filters, low=1, min_len=1):
        h = layers.MaxPooling2D()(layers.Conv2D(f, 3, padding="same", activation="relu")(h))
    h = layers.Dense(features, activation="relu", name="features")(layers.Flatten()(h))
    return keras.Model(x, layers.Dense(10, activation="softmax")(h), name="mnist_classifier")


def feature_extractor(classifier, layer="features"):
    """The sub-network from the classifier's input to its ``layer`` output."""
    import keras

    if not isinstance(classifier, keras.Model):
        raise wrong_type("classifier", "a keras.Model", classifier)
    names = [lay.name for lay in classifier.layers]
    if layer not in names:
        raise invalid("layer", f"the name of a layer of the classifier, one of {names}", layer)
    return keras.Model(classifier.inputs, classifier.get_layer(layer).output)


def gaussian_stats(features):
    """Mean and covariance of a set of feature vectors ``(n, d)``."""
    features = check_array("features", features, ndim=2, dtype=np.float64)
    if features.shape[0] < 2:
        raise invalid("features", "an array of shape (n >= 2, d)",
                      described(f"shape {features.shape}"))
    return features.mean(0), np.cov(features, rowvar=False)


def frechet_distance(mu1, cov1, mu2, cov2):
    """Fréchet (2-Wasserstein) distance between Gaussians ``N(mu1, cov1)`` and ``N(mu2, cov2)``."""
    mu1, mu2 = np.atleast_1d(mu1), np.atleast_1d(mu2)
    cov1, cov2 = np.atleast_2d(cov1), np.atleast_2d(cov2)
    if mu1.shape != mu2.shape or cov1.shape != cov2.shape or cov1.shape != (mu1.size, mu1.size):
        raise invalid("cov2", "means of one length d and (d, d) covariances",
                      described(f"shapes mu {mu1.shape}, {mu2.shape}; "
                                f"cov {cov1.shape}, {cov2.shape}"))
    with warnings.catch_warnings():  # singular products (dead features) are handled below
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(cov1 @ cov2)
        if not np.isfinite(covmean).all():  # regularise, as Heusel et al.'s reference code does
            eps = 1e-6 * np.eye(len(mu1))
            covmean = linalg.sqrtm((cov1 + eps) @ (cov2 + eps))
    covmean = np.real(covmean)
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1 + cov2 - 2 * covmean))


def frechet_feature_distance(extractor, images_a, images_b, batch_size=500):
    """The Fréchet distance between two image sets, on the features of ``extractor``."""
    images_a = check_array("images_a", images_a, shape=(None, 28, 28, 1))
    images_b = check_array("images_b", images_b, shape=(None, 28, 28, 1))
    batch_size = check_int("batch_size", batch_size, low=1)
    fa = extractor.predict(images_a, batch_size=batch_size, verbose=0)
    fb = extractor.predict(images_b, batch_size=batch_size, verbose=0)
    return frechet_distance(*gaussian_stats(fa), *gaussian_stats(fb))
