"""Autoencoders from the lecture: linear (PCA-like), deep fully connected, and convolutional.

Every builder returns an uncompiled :class:`Autoencoder`: a ``keras.Model`` whose ``encoder`` and
``decoder`` are ordinary functional models, so a chapter can train the whole model, then call
``model.encoder.predict(x)`` to get codes or ``model.decoder.predict(z)`` to decode them.
Keyword defaults are the lecture's settings ("Autoencoder in Keras", "Deep autoencoder in Keras",
"Convolutional autoencoder in Keras"); the layer names are the slides' variable names. The recipes
in :mod:`deep_unsupervised.book.recipes.autoencoders` compile and fit them with the chapter's settings
(Adam with a cosine-decaying rate); :func:`train` does the same in one call.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from ._backend.validation import check_array, check_float, check_int, check_ints, check_shape, invalid


@keras.saving.register_keras_serializable(package="deep_unsupervised")
class Autoencoder(keras.Model):
    """x' = dec(enc(x)): an encoder model followed by a decoder model.

    Args:
        encoder: a built ``keras.Model`` mapping inputs to codes.
        decoder: a built ``keras.Model`` mapping codes back to the input space.

    Example:
        >>> ae = deep_autoencoder()
        >>> ae.count_params()
        209968
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.build((None, *encoder.input_shape[1:]))

    def build(self, input_shape):
        self.built = True  # both parts are functional models, built at creation

    def call(self, x, training=False):
        return self.decoder(self.encoder(x, training=training), training=training)

    def get_config(self):
        return {**super().get_config(),
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config):
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)


def linear_autoencoder(input_dim: int = 784, code_dim: int = 32) -> Autoencoder:
    """The lecture's first autoencoder: z = W1 x + b1, x' = W2 z + b2 (no activations).

    Args:
        input_dim, code_dim: sizes n and m (the lecture: 784 and 32).

    Returns:
        An uncompiled :class:`Autoencoder` with 2·n·m + n + m parameters.
    """
    input_dim = check_int("input_dim", input_dim, low=1)
    code_dim = check_int("code_dim", code_dim, low=1)
    x = keras.Input(shape=(input_dim,), name="x")
    z = layers.Dense(code_dim, name="z")(x)
    encoder = keras.Model(x, z, name="encoder")
    z_in = keras.Input(shape=(code_dim,), name="z_in")
    y = layers.Dense(input_dim, name="y")(z_in)
    decoder = keras.Model(z_in, y, name="decoder")
    return Autoencoder(encoder, decoder, name="linear_autoencoder")


def _widths(hidden) -> tuple[int, ...]:
    if isinstance(hidden, (int, np.integer)) and not isinstance(hidden, bool):
        hidden = (hidden,)
    return check_ints("hidden", hidden, low=1, min_len=1)


def deep_autoencoder(input_dim: int = 784, hidden=128, code_dim: int = 32,
                     activation: str = "relu", code_activation: str | None = "relu",
                     output_activation: str | None = "sigmoid") -> Autoencoder:
    """The lecture's deep autoencoder: 784 → 128 → 32 → 128 → 784, ReLU, sigmoid output.

    With the defaults it has 209,968 parameters; the lecture's "~220K" is nearest the deeper
    model's 222,384 (``hidden=(128, 64)``). The output
    is read as the probability that each pixel is white; train it with per-pixel cross-entropy.

    Args:
        hidden: width of the hidden layer, or a tuple of widths for several (the decoder mirrors
            them), e.g. ``hidden=(128, 64)`` for the chapter's deeper model.
        activation: activation of the hidden layers.
        code_activation: activation of the code layer (``None`` for a linear code).
        output_activation: ``"sigmoid"`` for data in [0, 1]; ``None`` for unbounded data,
            together with the squared error.
    """
    input_dim = check_int("input_dim", input_dim, low=1)
    hidden, code_dim = _widths(hidden), check_int("code_dim", code_dim, low=1)
    x = keras.Input(shape=(input_dim,), name="x")
    h = x
    for i, width in enumerate(hidden, start=1):
        h = layers.Dense(width, activation=activation, name=f"h_{i}")(h)
    z = layers.Dense(code_dim, activation=code_activation, name="z")(h)
    encoder = keras.Model(x, z, name="encoder")
    z_in = keras.Input(shape=(code_dim,), name="z_in")
    h = z_in
    for i, width in enumerate(hidden[::-1], start=len(hidden) + 1):
        h = layers.Dense(width, activation=activation, name=f"h_{i}")(h)
    y = layers.Dense(input_dim, activation=output_activation, name="y")(h)
    decoder = keras.Model(z_in, y, name="decoder")
    return Autoencoder(encoder, decoder, name="deep_autoencoder")


def _check_conv_shape(filters, input_shape, pad) -> tuple:
    filters = check_ints("filters", filters, low=1, min_len=1)
    input_shape = check_shape("input_shape", input_shape, ndim=3)
    pad = check_int("pad", pad, low=0)
    size = (input_shape[0] + 2 * pad, input_shape[1] + 2 * pad)
    if any(s % 2 ** len(filters) for s in size):
        raise invalid("input_shape", f"a padded size divisible by 2**{len(filters)} (one "
                      f"halving per entry of filters)", input_shape)
    return filters, input_shape, pad


def conv_autoencoder(filters=(16, 8, 8), input_shape=(28, 28, 1), pad: int = 2,
                     activation="relu", kernel_initializer="glorot_uniform") -> Autoencoder:
    """The lecture's convolutional autoencoder, layer for layer.

    Encoder: zero-pad 28×28 to 32×32, then for each entry of ``filters`` a 3×3 ReLU convolution
    and 2×2 max-pooling (32 → 16 → 8 → 4). Decoder: stride-2 3×3 transposed convolutions
    ("deconvolutions") with the filters in reverse order, except that the last one has one
    sigmoid channel, then crop back to 28×28. With the defaults the code is 4×4×8 and the model
    has 3,801 parameters (the lecture's "~3K").

    Args:
        filters: channels of the encoder's convolutions; the decoder mirrors them.
        input_shape: (height, width, channels); after padding, height and width must be
            divisible by 2 ** len(filters).
        pad: zero-padding added on every side (cropped off again at the end).
        activation: activation of the hidden layers (e.g. ``"leaky_relu"``); the output is sigmoid.
        kernel_initializer: initialiser of every kernel; Keras's default is Glorot uniform, and
            ``"he_normal"`` suits ReLU layers better.
    """
    filters, input_shape, pad = _check_conv_shape(filters, input_shape, pad)
    conv = dict(kernel_size=(3, 3), padding="same", kernel_initializer=kernel_initializer)
    x = keras.Input(shape=input_shape, name="x")
    h = layers.ZeroPadding2D((pad, pad), name="x_up")(x)
    for i, f in enumerate(filters, start=1):
        h = layers.Conv2D(f, activation=activation, name=f"h_{i}", **conv)(h)
        h = layers.MaxPooling2D((2, 2), name=f"p_{i}" if i < len(filters) else "z")(h)
    encoder = keras.Model(x, h, name="encoder")
    z_in = keras.Input(shape=tuple(h.shape[1:]), name="z_in")
    h = z_in
    for i, f in enumerate(filters[::-1][1:], start=len(filters) + 1):
        h = layers.Conv2DTranspose(f, strides=(2, 2), activation=activation, name=f"h_{i}",
                                   **conv)(h)
    y_up = layers.Conv2DTranspose(input_shape[2], strides=(2, 2), activation="sigmoid",
                                  name="y_up", **conv)(h)
    y = layers.Cropping2D((pad, pad), name="y")(y_up)
    decoder = keras.Model(z_in, y, name="decoder")
    return Autoencoder(encoder, decoder, name="conv_autoencoder")


def train(model: keras.Model, x, target=None, *, loss: str, learning_rate: float, epochs: int,
          batch_size: int = 128, validation_data=None, label: str = "training"):
    """Fit ``model`` to reconstruct ``target`` from ``x``: Adam with a cosine-decaying rate.

    The rate starts at ``learning_rate`` and decays to zero along a cosine over the whole run.
    This is :func:`deep_unsupervised._backend.training.fit` with ``schedule="cosine"``.

    Args:
        x: inputs; ``target`` defaults to ``x`` (plain reconstruction).
        loss: ``"binary_crossentropy"`` (pixels read as probabilities) or ``"mse"``.
        validation_data: optional ``(inputs, targets)`` monitored per epoch (curves only).
        label: text of the progress bar.

    Returns:
        The Keras ``History``.
    """
    from ._backend.training import fit

    target = x if target is None else target
    if len(target) != len(x):
        raise invalid("target", f"as many rows as x ({len(x)})", f"{len(target)} rows")
    return fit(model, x, target, epochs=epochs, batch_size=batch_size,
               learning_rate=check_float("learning_rate", learning_rate, low=0,
                                         low_inclusive=False),
               schedule="cosine", loss=loss, validation_data=validation_data, label=label)


def reconstruction_errors(x, x_rec, eps: float = 1e-7) -> dict:
    """Per-pixel reconstruction errors averaged over a data set.

    Args:
        x: originals in [0, 1], any shape (N, ...).
        x_rec: reconstructions of the same shape. Cross-entropy needs values in (0, 1); outputs
            of linear models (PCA, the linear autoencoder) are clipped to [eps, 1 − eps] first.

    Returns:
        dict with ``"cross_entropy"`` (binary cross-entropy in nats per pixel) and ``"mse"``.
    """
    x = check_array("x", x, low=0, high=1, dtype=None)
    x_rec = check_array("x_rec", x_rec, shape=x.shape, dtype=None)
    if x.size == 0:
        raise invalid("x", "a non-empty array", x.shape)
    # float64 sums over chunks of rows: a whole test set at once would need several temporary
    # copies of it in float64 (hundreds of MB for 10,000 digits)
    bce_sum = se_sum = 0.0
    for start in range(0, len(x), 1000):
        xc = x[start:start + 1000].astype(np.float64)
        rc = x_rec[start:start + 1000].astype(np.float64)
        p = np.clip(rc, eps, 1 - eps)
        bce_sum -= float(np.sum(xc * np.log(p) + (1 - xc) * np.log(1 - p)))
        se_sum += float(np.sum((xc - rc) ** 2))
    return {"cross_entropy": bce_sum / x.size, "mse": se_sum / x.size}


def describe(model: Autoencoder) -> str:
    """A compact text table of an autoencoder's layers: part, layer, output shape, parameters."""
    if not isinstance(model, Autoencoder):
        raise invalid("model", "an autoencoders.Autoencoder", type(model).__name__)
    lines = [f"{'part':8s} {'layer':10s} {'type':16s} {'output shape':16s} {'params':>8s}"]
    for part in (model.encoder, model.decoder):
        for layer in part.layers:
            shape = tuple(layer.output.shape[1:])
            lines.append(f"{part.name:8s} {layer.name:10s} {type(layer).__name__:16s} "
                         f"{str(shape):16s} {layer.count_params():8,d}")
    lines.append(f"{'total':53s} {model.count_params():8,d}")
    return "\n".join(lines)
