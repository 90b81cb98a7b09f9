"""Supervised classifiers of the lecture's first part: softmax, the 7-7-4 network, a deep MLP and a small CNN.

Every builder is a function whose keyword defaults are the lecture's settings (or, where the
lecture gives none, small settings that train in seconds on a CPU). Builders return uncompiled
models that output class *probabilities* (a softmax layer last); :func:`fit` trains them with
categorical cross-entropy on integer labels (``sparse_categorical_crossentropy``) and accuracy.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from ._backend.validation import (check_array, check_float, check_int, check_ints, check_shape, described,
                         invalid)

LOSS = "sparse_categorical_crossentropy"  # cross-entropy with integer labels


# --------------------------------------------------------------------------------------------
# Softmax and cross-entropy, written as on the slides
# --------------------------------------------------------------------------------------------
def softmax(z, axis: int = -1):
    """``softmax(z)_i = exp(z_i) / sum_j exp(z_j)`` (shifted by max z for numerical stability)."""
    z = ops.convert_to_tensor(check_array("z", z, finite=False) if not ops.is_tensor(z) else z)
    e = ops.exp(z - ops.max(z, axis=axis, keepdims=True))
    return e / ops.sum(e, axis=axis, keepdims=True)


def cross_entropy(y, y_pred, eps: float = 1e-7):
    """``L(y, y') = -sum_i y_i log y'_i`` per example (one-hot y, probabilities y').

    Probabilities are clipped to ``[eps, 1 - eps]``, as Keras does, so that a
    zero never gives ``-inf``.
    """
    eps = check_float("eps", eps, low=0, high=0.5, high_inclusive=False)
    y, y_pred = ops.convert_to_tensor(y, "float32"), ops.convert_to_tensor(y_pred, "float32")
    if tuple(y.shape) != tuple(y_pred.shape):
        raise invalid("y", f"the shape of y_pred {tuple(y_pred.shape)}",
                      described(f"shape {tuple(y.shape)}"))
    return -ops.sum(y * ops.log(ops.clip(y_pred, eps, 1 - eps)), axis=-1)


# --------------------------------------------------------------------------------------------
# A small generated 4-class problem for the lecture's 7 -> 7 -> 4 network
# --------------------------------------------------------------------------------------------
def four_class_problem(n: int = 2000, n_features: int = 7, spread: float = 2.5, noise: float = 1.0,
                       seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points in ``n_features`` dimensions whose class is not a linear function of the input.

    Class ``k`` is a pair of Gaussian blobs at ``+c_k`` and ``-c_k`` (``c_k`` a random direction of
    length ``spread``), so every class has mean zero: a linear (softmax) classifier can barely beat
    chance, while one ReLU hidden layer can detect "far from the origin along ``c_k``".

    Returns:
        ``x`` of shape (n, n_features), float32, and integer labels ``y`` in {0, 1, 2, 3}.
    """
    n = check_int("n", n, low=4)
    n_features = check_int("n_features", n_features, low=2)
    spread = check_float("spread", spread, low=0, low_inclusive=False)
    noise = check_float("noise", noise, low=0)
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(4, n_features))
    centres *= spread / np.linalg.norm(centres, axis=1, keepdims=True)
    y = rng.integers(0, 4, size=n)
    sign = rng.choice([-1.0, 1.0], size=(n, 1))
    x = sign * centres[y] + noise * rng.normal(size=(n, n_features))
    return x.astype("float32"), y


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------
def fit(model: keras.Model, x, y, **kwargs) -> keras.callbacks.History:
    """Train a classifier of this module with :func:`deep_unsupervised._backend.training.fit`.

    Cross-entropy on integer labels and accuracy; every other argument (``epochs``,
    ``batch_size``, ``learning_rate``, ``validation_data``, ``label``, ...) is passed on.
    """
    from ._backend import training

    return training.fit(model, x, y, loss=LOSS, metrics=["accuracy"], **kwargs)


def dense_classifier(n_inputs: int = 7, hidden=(7,), n_classes: int = 4, activation: str = "relu",
                     name: str = "dense_classifier") -> keras.Model:
    """The lecture's fully connected classifier (slide "Fully connected layers"), uncompiled.

    With the defaults this is ``Input(7) -> Dense(7, relu) -> Dense(4, softmax)``; ``hidden=()``
    gives the shallow softmax classifier ``softmax(W x + b)`` of slide "Back in business".
    """
    n_inputs = check_int("n_inputs", n_inputs, low=1)
    n_classes = check_int("n_classes", n_classes, low=1)
    hidden = check_ints("hidden", hidden, low=1)
    x = keras.Input(shape=(n_inputs,))
    h = x
    for i, units in enumerate(hidden):
        h = layers.Dense(units, activation=activation, name=f"hidden_{i + 1}")(h)
    y = layers.Dense(n_classes, activation="softmax", name="output")(h)
    return keras.Model(x, y, name=name)


def mlp(input_shape=(28, 28, 1), hidden=(256, 128), n_classes: int = 10, activation: str = "relu",
        kernel_initializer="glorot_uniform", dropout: float = 0.0,
        name: str = "mlp") -> keras.Model:
    """A deep fully connected network for images: flatten, ``len(hidden)`` Dense layers, softmax.

    Args:
        kernel_initializer: passed to every Dense layer (the initialisation study varies it; biases
            always start at zero).
        dropout: if > 0, a ``Dropout(dropout)`` layer after every hidden layer (a remedy for overfitting).
    """
    dropout = check_float("dropout", dropout, low=0, high=1, high_inclusive=False)
    hidden = check_ints("hidden", hidden, low=1)
    n_classes = check_int("n_classes", n_classes, low=1)
    x = keras.Input(shape=_shape(input_shape))
    h = layers.Flatten(name="flatten")(x)
    for i, units in enumerate(hidden):
        h = layers.Dense(units, activation=activation, kernel_initializer=kernel_initializer,
                         name=f"dense_{i + 1}")(h)
        if dropout:
            h = layers.Dropout(dropout, name=f"dropout_{i + 1}")(h)
    y = layers.Dense(n_classes, activation="softmax", kernel_initializer=kernel_initializer, name="output")(h)
    return keras.Model(x, y, name=name)


def _shape(input_shape, ndim: int | None = None) -> tuple[int, ...]:
    return check_shape("input_shape", input_shape, ndim=ndim)


def small_cnn(input_shape=(28, 28, 1), filters=(16, 32), kernel_size: int = 3, dense: int = 64,
              n_classes: int = 10, name: str = "small_cnn") -> keras.Model:
    """Convolution + max-pooling blocks, then a Dense layer and softmax (slide "Stacking convolutions and poolings").

    Each block is ``Conv2D(f, kernel_size, relu, padding="valid")`` then ``MaxPooling2D(2)``: height and
    width halve while the number of filters (depth) grows, the lecture's rule of thumb.
    """
    filters = check_ints("filters", filters, low=1, min_len=1)
    kernel_size = check_int("kernel_size", kernel_size, low=1)
    dense, n_classes = check_int("dense", dense, low=1), check_int("n_classes", n_classes, low=1)
    x = keras.Input(shape=_shape(input_shape, ndim=3))
    h = x
    for i, f in enumerate(filters):
        h = layers.Conv2D(f, kernel_size, activation="relu", name=f"conv_{i + 1}")(h)
        h = layers.MaxPooling2D(2, name=f"pool_{i + 1}")(h)
    h = layers.Flatten(name="flatten")(h)
    h = layers.Dense(dense, activation="relu", name="dense")(h)
    y = layers.Dense(n_classes, activation="softmax", name="output")(h)
    return keras.Model(x, y, name=name)


def count_params(model: keras.Model) -> dict[str, int]:
    """Number of trainable parameters per layer that has any (a table for the text)."""
    if not isinstance(model, keras.Model):
        raise invalid("model", "a Keras model", described(type(model).__name__))
    return {layer.name: layer.count_params() for layer in model.layers if layer.count_params()}
