"""Corruption processes for denoising autoencoders: x̃ = corrupt(x).

Three classic choices (Vincent et al., 2008), each as a NumPy function (to build a *fixed*
corrupted test set) and as a Keras layer (to draw fresh noise at every training step):

    gaussian         x̃ = x + ε,  ε ~ N(0, σ² I)          keras.layers.GaussianNoise(σ)
    masking          a random fraction of pixels set to 0   MaskingNoise(rate)
    salt_and_pepper  a random fraction set to 0 or 1        SaltAndPepperNoise(rate)

Like Keras's ``GaussianNoise`` the layers corrupt only when ``training=True``, so
``model.predict`` sees the input unchanged.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from ._backend.validation import (check_array, check_choice, check_float, check_int, described, invalid,
                         wrong_type)

KINDS = ("gaussian", "masking", "salt_and_pepper")


# -- parameter checks -----------------------------------------------------------------------------
def check_stddev(stddev) -> float:
    """Validate a Gaussian noise level: a finite number in [0, 1] (Keras's own range)."""
    return check_float("stddev", stddev, low=0, high=1)


def check_rate(rate) -> float:
    """Validate the fraction of corrupted pixels: a number in [0, 1]."""
    return check_float("rate", rate, low=0, high=1)


def _as_float_array(x) -> np.ndarray:
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise wrong_type("x", "floating-point data in [0, 1]", described(f"dtype {x.dtype}"))
    return x


def _check_seed(seed):
    return None if seed is None else check_int("seed", seed, low=0)


# -- NumPy corruption (fixed, reproducible noisy data sets) --------------------------
def gaussian_noise(x, stddev: float = 0.5, seed: int | None = 0) -> np.ndarray:
    """Additive Gaussian noise x + N(0, stddev²), the same process as ``GaussianNoise(stddev)``.

    The result is *not* clipped to [0, 1]: the network sees exactly what the Keras layer gives it.
    """
    x, stddev = _as_float_array(x), check_stddev(stddev)
    rng = np.random.default_rng(_check_seed(seed))
    return (x + stddev * rng.standard_normal(x.shape)).astype(x.dtype)


def masking_noise(x, rate: float = 0.25, seed: int | None = 0) -> np.ndarray:
    """Masking noise: each entry is set to 0 independently with probability ``rate``."""
    x, rate = _as_float_array(x), check_rate(rate)
    rng = np.random.default_rng(_check_seed(seed))
    return np.where(rng.random(x.shape) < rate, 0, x).astype(x.dtype)


def salt_and_pepper(x, rate: float = 0.25, seed: int | None = 0) -> np.ndarray:
    """Salt-and-pepper noise: each entry, with probability ``rate``, becomes 0 or 1 (coin flip)."""
    x, rate = _as_float_array(x), check_rate(rate)
    rng = np.random.default_rng(_check_seed(seed))
    hit = rng.random(x.shape) < rate
    salt = rng.random(x.shape) < 0.5
    return np.where(hit, salt.astype(x.dtype), x).astype(x.dtype)


def corrupt(x, kind: str = "gaussian", level: float = 0.5, seed: int | None = 0) -> np.ndarray:
    """Corrupt ``x`` with one of :data:`KINDS`; ``level`` is σ (gaussian) or the rate (others)."""
    check_choice("kind", kind, KINDS)
    fn = {"gaussian": gaussian_noise, "masking": masking_noise,
          "salt_and_pepper": salt_and_pepper}[kind]
    return fn(x, level, seed)


# -- Keras layers (fresh noise at every training step) -------------------------------
@keras.saving.register_keras_serializable(package="deep_unsupervised")
class MaskingNoise(keras.layers.Layer):
    """Sets each input entry to 0 with probability ``rate`` during training (identity otherwise).

    Unlike ``Dropout`` it does *not* rescale the surviving entries by 1 / (1 - rate): the
    corrupted image should look like the clean one with holes, not like a brighter one.

    Example:
        >>> MaskingNoise(0.5)(np.ones((1, 4)), training=True)  # doctest: +SKIP
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.seed = check_rate(rate), _check_seed(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.supports_masking = True

    def _keep(self, inputs):
        u = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator,
                                 dtype=self.compute_dtype)
        return ops.cast(u >= self.rate, self.compute_dtype)

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return inputs * self._keep(inputs)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


@keras.saving.register_keras_serializable(package="deep_unsupervised")
class SaltAndPepperNoise(MaskingNoise):
    """Sets each entry, with probability ``rate``, to 0 or 1 (equally likely) during training."""

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            keep = self._keep(inputs)
            u = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator,
                                     dtype=self.compute_dtype)
            salt = ops.cast(u < 0.5, self.compute_dtype)
            return keep * inputs + (1 - keep) * salt
        return inputs


def noise_layer(kind: str = "gaussian", level: float = 0.5, seed: int | None = None,
                name: str | None = None) -> keras.layers.Layer:
    """The training-time corruption layer for ``kind``; gaussian gives ``GaussianNoise``."""
    if kind == "gaussian":
        return keras.layers.GaussianNoise(check_stddev(level), seed=seed, name=name)
    if kind == "masking":
        return MaskingNoise(level, seed=seed, name=name)
    if kind == "salt_and_pepper":
        return SaltAndPepperNoise(level, seed=seed, name=name)
    raise invalid("kind", f"one of {KINDS}", kind)


def psnr(clean, estimate, data_range: float = 1.0) -> np.ndarray:
    """Peak signal-to-noise ratio per image, 10 log10(range² / MSE), in dB (higher is better).

    Args:
        clean, estimate: arrays of the same shape (N, ...); the first axis indexes images.
        data_range: the largest possible pixel value minus the smallest (1 for images in [0, 1]).

    Returns:
        (N,) array of PSNR values; average them over a test set to compare methods.
    """
    clean = check_array("clean", clean, dtype=np.float64)
    if clean.ndim < 2:
        raise invalid("clean", "a batch of images (N, ...)", f"shape {clean.shape}")
    estimate = check_array("estimate", estimate, shape=clean.shape, dtype=np.float64)
    data_range = check_float("data_range", data_range, low=0, low_inclusive=False)
    mse = np.mean((clean - estimate) ** 2, axis=tuple(range(1, clean.ndim)))
    return 10 * np.log10(data_range ** 2 / np.maximum(mse, 1e-12))
