"""Supervised classifiers of the lecture's first part: softmax, the 7-7-4 network, a deep MLP and a small CNN.

Every builder is a function whose keyword defaults are the lecture's settings (or, where the
lecture gives none, small settings that train in seconds on a CPU). Models output class
*probabilities* (a softmax layer last) and are compiled with categorical cross-entropy on integer
labels (``sparse_categorical_crossentropy``), so ``model.fit(x, y)`` takes digit labels directly.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from .training import STEPS_PER_EXECUTION


# --------------------------------------------------------------------------------------------
# Softmax and cross-entropy, written as on the slides
# --------------------------------------------------------------------------------------------
def softmax(z, axis: int = -1):
    """``softmax(z)_i = exp(z_i) / sum_j exp(z_j)`` (shifted by max z for numerical stability)."""
    z = ops.convert_to_tensor(z)
    e = ops.exp(z - ops.max(z, axis=axis, keepdims=True))
    return e / ops.sum(e, axis=axis, keepdims=True)


def cross_entropy(y, y_pred, eps: float = 1e-7):
    """``L(y, y') = -sum_i y_i log y'_i`` for one-hot targets ``y`` and probabilities ``y'``, per example.

    Probabilities are clipped to ``[eps, 1 - eps]``, as Keras does, so that a zero never gives ``-inf``.
    """
    y, y_pred = ops.convert_to_tensor(y, "float32"), ops.convert_to_tensor(y_pred, "float32")
    if tuple(y.shape) != tuple(y_pred.shape):
        raise ValueError(f"Invalid value for argument 'y': expected the shape of y_pred {tuple(y_pred.shape)}, "
                         f"received shape {tuple(y.shape)}")
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
    if n < 4:
        raise ValueError(f"Invalid value for argument 'n': expected at least 4 points, received n={n}")
    if n_features < 2:
        raise ValueError(f"Invalid value for argument 'n_features': expected >= 2, received {n_features}")
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
def _compile(model: keras.Model, learning_rate: float) -> keras.Model:
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=STEPS_PER_EXECUTION)
    return model


def _check_positive(name: str, values) -> None:
    for v in np.atleast_1d(values):
        if int(v) != v or v < 1:
            raise ValueError(f"Invalid value for argument '{name}': expected positive integers, received {values!r}")


def dense_classifier(n_inputs: int = 7, hidden=(7,), n_classes: int = 4, activation: str = "relu",
                     learning_rate: float = 1e-2, name: str = "dense_classifier") -> keras.Model:
    """The lecture's fully connected classifier (slide "Fully connected layers"), compiled.

    With the defaults this is ``Input(7) -> Dense(7, relu) -> Dense(4, softmax)``; ``hidden=()``
    gives the shallow softmax classifier ``softmax(W x + b)`` of slide "Back in business".
    """
    _check_positive("n_inputs", n_inputs)
    _check_positive("n_classes", n_classes)
    if len(hidden):
        _check_positive("hidden", hidden)
    x = keras.Input(shape=(n_inputs,))
    h = x
    for i, units in enumerate(hidden):
        h = layers.Dense(units, activation=activation, name=f"hidden_{i + 1}")(h)
    y = layers.Dense(n_classes, activation="softmax", name="output")(h)
    return _compile(keras.Model(x, y, name=name), learning_rate)


def mlp(input_shape=(28, 28, 1), hidden=(256, 128), n_classes: int = 10, activation: str = "relu",
        kernel_initializer="glorot_uniform", dropout: float = 0.0, learning_rate: float = 1e-3,
        name: str = "mlp") -> keras.Model:
    """A deep fully connected network for images: flatten, ``len(hidden)`` Dense layers, softmax.

    Args:
        kernel_initializer: passed to every Dense layer (the initialisation study varies it; biases
            always start at zero).
        dropout: if > 0, a ``Dropout(dropout)`` layer after every hidden layer (a remedy for overfitting).
    """
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"Invalid value for argument 'dropout': expected 0 <= dropout < 1, received dropout={dropout}")
    _check_positive("hidden", hidden)
    x = keras.Input(shape=tuple(input_shape))
    h = layers.Flatten(name="flatten")(x)
    for i, units in enumerate(hidden):
        h = layers.Dense(units, activation=activation, kernel_initializer=kernel_initializer,
                         name=f"dense_{i + 1}")(h)
        if dropout:
            h = layers.Dropout(dropout, name=f"dropout_{i + 1}")(h)
    y = layers.Dense(n_classes, activation="softmax", kernel_initializer=kernel_initializer, name="output")(h)
    return _compile(keras.Model(x, y, name=name), learning_rate)


def small_cnn(input_shape=(28, 28, 1), filters=(16, 32), kernel_size: int = 3, dense: int = 64,
              n_classes: int = 10, learning_rate: float = 1e-3, name: str = "small_cnn") -> keras.Model:
    """Convolution + max-pooling blocks, then a Dense layer and softmax (slide "Stacking convolutions and poolings").

    Each block is ``Conv2D(f, kernel_size, relu, padding="valid")`` then ``MaxPooling2D(2)``: height and
    width halve while the number of filters (depth) grows, the lecture's rule of thumb.
    """
    _check_positive("filters", filters)
    _check_positive("kernel_size", kernel_size)
    x = keras.Input(shape=tuple(input_shape))
    h = x
    for i, f in enumerate(filters):
        h = layers.Conv2D(f, kernel_size, activation="relu", name=f"conv_{i + 1}")(h)
        h = layers.MaxPooling2D(2, name=f"pool_{i + 1}")(h)
    h = layers.Flatten(name="flatten")(h)
    h = layers.Dense(dense, activation="relu", name="dense")(h)
    y = layers.Dense(n_classes, activation="softmax", name="output")(h)
    return _compile(keras.Model(x, y, name=name), learning_rate)


def count_params(model: keras.Model) -> dict[str, int]:
    """Number of trainable parameters per layer that has any (a table for the text)."""
    return {layer.name: layer.count_params() for layer in model.layers if layer.count_params()}
