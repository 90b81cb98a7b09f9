"""Sample-quality metrics: a small MNIST feature classifier and the Fréchet distance on its features.

The Fréchet inception distance (Heusel et al., 2017) fits a Gaussian to the features of real and of
generated images and measures ``||mu_1 - mu_2||^2 + tr(C_1 + C_2 - 2 (C_1 C_2)^{1/2})``. Inception-v3
features mean nothing for 28x28 digits, so we use the penultimate layer of a digit classifier instead;
the numbers are comparable only within this book.
"""

from __future__ import annotations

import warnings

import keras
import numpy as np
from keras import layers
from scipy import linalg

from .training import STEPS_PER_EXECUTION


def mnist_classifier(features=64, filters=(16, 32)):
    """A small CNN digit classifier whose penultimate layer (named ``"features"``) feeds the metric."""
    if features < 1:
        raise ValueError(f"Invalid value for argument 'features': expected >= 1, received {features}")
    x = keras.Input((28, 28, 1))
    h = x
    for f in filters:
        h = layers.MaxPooling2D()(layers.Conv2D(f, 3, padding="same", activation="relu")(h))
    h = layers.Dense(features, activation="relu", name="features")(layers.Flatten()(h))
    model = keras.Model(x, layers.Dense(10, activation="softmax")(h), name="mnist_classifier")
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=STEPS_PER_EXECUTION)
    return model


def feature_extractor(classifier, layer="features"):
    """The sub-network from the classifier's input to its ``layer`` output."""
    return keras.Model(classifier.inputs, classifier.get_layer(layer).output)


def gaussian_stats(features):
    """Mean and covariance of a set of feature vectors ``(n, d)``."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or features.shape[0] < 2:
        raise ValueError(f"'features' must have shape (n >= 2, d), got {features.shape}")
    return features.mean(0), np.cov(features, rowvar=False)


def frechet_distance(mu1, cov1, mu2, cov2):
    """Fréchet (2-Wasserstein) distance between Gaussians ``N(mu1, cov1)`` and ``N(mu2, cov2)``."""
    mu1, mu2 = np.atleast_1d(mu1), np.atleast_1d(mu2)
    cov1, cov2 = np.atleast_2d(cov1), np.atleast_2d(cov2)
    if mu1.shape != mu2.shape or cov1.shape != cov2.shape or cov1.shape != (mu1.size, mu1.size):
        raise ValueError(f"shapes do not match: mu {mu1.shape}, {mu2.shape}; cov {cov1.shape}, {cov2.shape}")
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
    for name, imgs in (("images_a", images_a), ("images_b", images_b)):
        shape = np.shape(imgs)
        if len(shape) != 4 or shape[1:] != (28, 28, 1):
            raise ValueError(f"'{name}' must have shape (n, 28, 28, 1), got {shape}")
    fa = extractor.predict(np.asarray(images_a, "float32"), batch_size=batch_size, verbose=0)
    fb = extractor.predict(np.asarray(images_b, "float32"), batch_size=batch_size, verbose=0)
    return frechet_distance(*gaussian_stats(fa), *gaussian_stats(fb))
