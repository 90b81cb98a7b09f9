"""Denoising autoencoders: the lecture's convolutional DAE, and a 2-D DAE on a curve.

    conv_denoising_autoencoder   GaussianNoise(0.5) → Conv 32 + pool → Conv 32 + pool (the code)
                                 → Conv2DTranspose 32 /2 → Conv2DTranspose 1 /2, sigmoid
                                 (lecture, "Denoising convolutional autoencoder in Keras");
                                 with ``noise_stddev=0`` the same network is a plain autoencoder.
    encoder_of                   the sub-model x ↦ z of a built autoencoder.
    denoising_mlp                a small DAE for 2-D points, whose r(x) − x is the vector field of
                                 Alain and Bengio (2014); train it on a 1-D curve from
                                 :mod:`deep_unsupervised.manifolds` (e.g. ``manifolds.spiral``).
    reconstruction_field         r(x) − x on a grid, computed in one batch.
"""

from __future__ import annotations

import keras
import numpy as np

from .training import STEPS_PER_EXECUTION
from .corruption import KINDS, check_stddev, noise_layer


def _check_image_shape(input_shape) -> tuple[int, int, int]:
    shape = tuple(input_shape)
    if len(shape) != 3 or any(int(s) != s or s < 1 for s in shape):
        raise ValueError(f"Invalid value for argument 'input_shape': expected (height, width, "
                         f"channels), received {input_shape!r}")
    if shape[0] % 4 or shape[1] % 4:
        raise ValueError(f"Invalid value for argument 'input_shape': height and width must be "
                         f"multiples of 4 (two 2×2 poolings, two stride-2 upsamplings), "
                         f"received {input_shape!r}")
    return shape


def conv_denoising_autoencoder(noise_stddev: float = 0.5, filters: int = 32, kernel_size: int = 3,
                               input_shape=(28, 28, 1), corruption: str = "gaussian",
                               optimizer="adam", loss="binary_crossentropy",
                               name: str = "denoising_cae") -> keras.Model:
    """The lecture's denoising convolutional autoencoder, compiled.

    The corruption is a layer inside the model, active only in training: every epoch sees fresh
    noise, and ``predict`` applies the network to whatever input it is given. The code ``z`` is the
    output of the layer named ``"code"`` (shape (H/4, W/4, filters)).

    Args:
        noise_stddev: σ of the Gaussian corruption (or the rate of masking / salt-and-pepper noise,
            see ``corruption``); 0 gives a plain autoencoder with the same architecture.
        filters: channels of every hidden convolution (32 in the lecture).
        kernel_size: side of the square kernels (3 in the lecture).
        input_shape: (H, W, C) with H and W multiples of 4.
        corruption: one of ``"gaussian"``, ``"masking"``, ``"salt_and_pepper"``.
        optimizer, loss: passed to ``compile``; the pixel-wise mean squared error is also tracked.
    """
    if corruption not in KINDS:
        raise ValueError(f"Invalid value for argument 'corruption': expected one of {KINDS}, "
                         f"received {corruption!r}")
    if corruption == "gaussian":
        check_stddev(noise_stddev)
    if int(filters) != filters or filters < 1:
        raise ValueError(f"Invalid value for argument 'filters': expected a positive integer, "
                         f"received {filters!r}")
    if int(kernel_size) != kernel_size or kernel_size < 1:
        raise ValueError(f"Invalid value for argument 'kernel_size': expected a positive integer, "
                         f"received {kernel_size!r}")
    shape = _check_image_shape(input_shape)
    L = keras.layers
    conv = dict(kernel_size=kernel_size, padding="same", activation="relu")
    x = keras.Input(shape=shape, name="x")
    x_c = noise_layer(corruption, noise_stddev, name="corrupt")(x)
    h_1 = L.Conv2D(filters, name="conv_1", **conv)(x_c)
    p_1 = L.MaxPooling2D(2, name="pool_1")(h_1)
    h_2 = L.Conv2D(filters, name="conv_2", **conv)(p_1)
    z = L.MaxPooling2D(2, name="code")(h_2)
    h_3 = L.Conv2DTranspose(filters, strides=2, name="deconv_1", **conv)(z)
    y = L.Conv2DTranspose(shape[2], kernel_size, strides=2, padding="same", activation="sigmoid",
                          name="deconv_2")(h_3)
    model = keras.Model(x, y, name=name)
    model.compile(optimizer=optimizer, loss=loss, metrics=["mse"],
                  steps_per_execution=STEPS_PER_EXECUTION)
    return model


def encoder_of(autoencoder: keras.Model, code_layer: str = "code") -> keras.Model:
    """The encoder x ↦ z of an autoencoder built here (its corruption layer is inactive at inference)."""
    try:
        z = autoencoder.get_layer(code_layer).output
    except ValueError:
        raise ValueError(f"Invalid value for argument 'code_layer': the model {autoencoder.name!r} "
                         f"has no layer named {code_layer!r}") from None
    return keras.Model(autoencoder.input, z, name=f"{autoencoder.name}_encoder")


# -- a DAE in the plane (Alain and Bengio, 2014) -------------------------------------------------
def denoising_mlp(noise_stddev: float = 0.1, hidden=(128, 128), activation: str = "relu",
                  learning_rate: float = 3e-3, decay_steps: int | None = None,
                  name: str = "denoising_mlp") -> keras.Model:
    """A small denoising autoencoder r(x) for 2-D points, trained with mean squared error.

    Alain and Bengio (2014) show that for small σ the optimal r satisfies
    r(x) − x ≈ σ² ∂ log p(x) / ∂x: the reconstruction points up the data density, towards the data.

    Args:
        noise_stddev: σ of the Gaussian corruption (a ``GaussianNoise`` layer, training only).
        hidden: widths of the hidden layers.
        learning_rate: Adam's initial step size; with ``decay_steps`` it follows a cosine decay
            to 0 over that many steps (the field converges much closer to the optimum that way).
    """
    check_stddev(noise_stddev)
    if len(hidden) == 0 or any(int(h) != h or h < 1 for h in hidden):
        raise ValueError(f"Invalid value for argument 'hidden': expected positive layer widths, "
                         f"received {hidden!r}")
    x = keras.Input(shape=(2,), name="x")
    h = keras.layers.GaussianNoise(noise_stddev, name="corrupt")(x)
    for i, width in enumerate(hidden):
        h = keras.layers.Dense(int(width), activation=activation, name=f"hidden_{i + 1}")(h)
    r = keras.layers.Dense(2, name="r")(h)
    model = keras.Model(x, r, name=name)
    if decay_steps is not None:
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, int(decay_steps))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse",
                  steps_per_execution=STEPS_PER_EXECUTION)
    return model


def reconstruction_field(model: keras.Model, xlim, ylim, n: int = 21):
    """r(x) − x on an n × n grid over ``xlim`` × ``ylim``, in one batched call.

    Returns:
        (X, Y, U, V): grid coordinates and the field's components, each of shape (n, n),
        ready for ``plt.quiver(X, Y, U, V)``.
    """
    X, Y = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    grid = np.stack([X.ravel(), Y.ravel()], axis=1).astype(np.float32)
    field = model.predict(grid, batch_size=4096, verbose=0) - grid
    return X, Y, field[:, 0].reshape(n, n), field[:, 1].reshape(n, n)


def optimal_denoiser(x_noisy, data, noise_stddev: float, chunk: int = 256) -> np.ndarray:
    """The best possible reconstruction under squared error, E[x | x̃], for an empirical data set.

    With x drawn uniformly from ``data`` and x̃ = x + N(0, σ² I), Bayes' rule gives
    E[x | x̃] = Σ_i x_i w_i with w_i ∝ exp(−‖x̃ − x_i‖² / 2σ²). By Tweedie's formula this equals
    x̃ + σ² ∇ log p_σ(x̃), the score of the noise-smoothed density: the quantity a trained DAE's
    r(x̃) − x̃ estimates (Alain and Bengio, 2014).
    """
    x_noisy, data = np.asarray(x_noisy, np.float64), np.asarray(data, np.float64)
    if x_noisy.ndim != 2 or data.ndim != 2 or x_noisy.shape[1] != data.shape[1]:
        raise ValueError(f"Invalid shapes: expected x_noisy (N, D) and data (M, D), received "
                         f"{x_noisy.shape} and {data.shape}")
    if not noise_stddev > 0:
        raise ValueError(f"Invalid value for argument 'noise_stddev': expected > 0, "
                         f"received {noise_stddev!r}")
    out = np.empty_like(x_noisy)
    for start in range(0, len(x_noisy), chunk):
        block = x_noisy[start:start + chunk]
        d2 = np.sum((block[:, None, :] - data[None]) ** 2, axis=2)
        logw = -(d2 - d2.min(axis=1, keepdims=True)) / (2 * noise_stddev ** 2)  # stable softmax
        w = np.exp(logw)
        out[start:start + chunk] = (w @ data) / w.sum(axis=1, keepdims=True)
    return out
