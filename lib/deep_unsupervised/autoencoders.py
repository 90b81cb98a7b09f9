"""Autoencoders from the lecture: linear (PCA-like), deep fully connected, and convolutional.

Every builder returns an :class:`Autoencoder`: a ``keras.Model`` whose ``encoder`` and ``decoder``
are ordinary functional models, so a chapter can train the whole model, then call
``model.encoder.predict(x)`` to get codes or ``model.decoder.predict(z)`` to decode them.
Keyword defaults are the lecture's settings ("Autoencoder in Keras", "Deep autoencoder in Keras",
"Convolutional autoencoder in Keras"). Other chapters (e.g. denoising) reuse these builders, and
may subclass :class:`Autoencoder` to override ``train_step``.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from .training import STEPS_PER_EXECUTION


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


def _check_positive_int(name: str, value) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"Invalid value for argument '{name}': expected a positive integer, "
                         f"received {name}={value!r}")
    return int(value)


def _finish(encoder, decoder, name, loss, optimizer, learning_rate):
    model = Autoencoder(encoder, decoder, name=name)
    if optimizer is not None:
        if optimizer == "adam":
            optimizer = keras.optimizers.Adam(learning_rate)
        model.compile(optimizer=optimizer, loss=loss, steps_per_execution=STEPS_PER_EXECUTION)
    return model


def linear_autoencoder(input_dim: int = 784, code_dim: int = 32, loss: str = "mse",
                       optimizer="adam", learning_rate: float = 1e-3) -> Autoencoder:
    """The lecture's first autoencoder: z = W1 x + b1, x' = W2 z + b2 (no activations).

    Args:
        input_dim, code_dim: sizes n and m (the lecture: 784 and 32).
        loss: reconstruction loss given to ``compile`` (squared error, as in the lecture).
        optimizer: ``"adam"`` (with ``learning_rate``), any Keras optimizer, or ``None`` to
            return the model uncompiled.

    Returns:
        An :class:`Autoencoder` with 2·n·m + n + m parameters.
    """
    input_dim = _check_positive_int("input_dim", input_dim)
    code_dim = _check_positive_int("code_dim", code_dim)
    x = keras.Input(shape=(input_dim,), name="x")
    encoder = keras.Model(x, layers.Dense(code_dim, name="W1")(x), name="encoder")
    z = keras.Input(shape=(code_dim,), name="z")
    decoder = keras.Model(z, layers.Dense(input_dim, name="W2")(z), name="decoder")
    return _finish(encoder, decoder, "linear_autoencoder", loss, optimizer, learning_rate)


def deep_autoencoder(input_dim: int = 784, hidden=128, code_dim: int = 32,
                     activation: str = "relu", code_activation: str | None = "relu",
                     output_activation: str | None = "sigmoid",
                     loss: str = "binary_crossentropy", optimizer="adam",
                     learning_rate: float = 1e-3) -> Autoencoder:
    """The lecture's deep autoencoder: 784 → 128 → 32 → 128 → 784, ReLU, sigmoid output.

    With the defaults it has 209,968 parameters (the lecture's "~220K"). The output is read as the
    probability that each pixel is white, hence the per-pixel cross-entropy loss.

    Args:
        hidden: width of the hidden layer, or a tuple of widths for several (the decoder mirrors
            them), e.g. ``hidden=(256, 128)`` for a deeper model.
        activation: activation of the hidden layers.
        code_activation: activation of the code layer (``None`` for a linear code).
        output_activation: ``"sigmoid"`` for data in [0, 1]; ``None`` for unbounded data,
            together with ``loss="mse"``.
    """
    input_dim = _check_positive_int("input_dim", input_dim)
    if isinstance(hidden, (int, np.integer)):
        hidden = (hidden,)
    elif not isinstance(hidden, (tuple, list)):
        raise ValueError(f"Invalid value for argument 'hidden': expected a positive integer or a "
                         f"tuple of them, received hidden={hidden!r}")
    hidden = tuple(_check_positive_int("hidden", width) for width in hidden)
    code_dim = _check_positive_int("code_dim", code_dim)
    x = keras.Input(shape=(input_dim,), name="x")
    h = x
    for i, width in enumerate(hidden, start=1):
        h = layers.Dense(width, activation=activation, name=f"h_{i}")(h)
    encoder = keras.Model(x, layers.Dense(code_dim, activation=code_activation, name="z")(h),
                          name="encoder")
    z = keras.Input(shape=(code_dim,), name="z")
    h = z
    for i, width in enumerate(hidden[::-1], start=len(hidden) + 1):
        h = layers.Dense(width, activation=activation, name=f"h_{i}")(h)
    decoder = keras.Model(z, layers.Dense(input_dim, activation=output_activation, name="y")(h),
                          name="decoder")
    return _finish(encoder, decoder, "deep_autoencoder", loss, optimizer, learning_rate)


def conv_autoencoder(filters=(16, 8, 8), input_shape=(28, 28, 1), pad: int = 2,
                     activation="relu", loss: str = "binary_crossentropy", optimizer="adam",
                     learning_rate: float = 1e-3,
                     kernel_initializer="glorot_uniform") -> Autoencoder:
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
            ``"he_normal"`` suits ReLU layers better (fewer channels that start, and stay, dead).
    """
    filters = tuple(filters)
    if not filters:
        raise ValueError("Invalid value for argument 'filters': expected at least one layer, received ()")
    for f in filters:
        _check_positive_int("filters", f)
    if len(input_shape) != 3:
        raise ValueError(f"Invalid value for argument 'input_shape': expected (height, width, "
                         f"channels), received {input_shape!r}")
    size = (input_shape[0] + 2 * pad, input_shape[1] + 2 * pad)
    if any(s % 2 ** len(filters) for s in size):
        raise ValueError(f"Invalid value for argument 'input_shape': padded size {size} is not "
                         f"divisible by 2**{len(filters)} (one halving per entry of filters)")
    x = keras.Input(shape=tuple(input_shape), name="x")
    h = layers.ZeroPadding2D((pad, pad), name="x_up")(x)
    for i, f in enumerate(filters, start=1):
        h = layers.Conv2D(f, (3, 3), padding="same", activation=activation,
                          kernel_initializer=kernel_initializer, name=f"h_{i}")(h)
        h = layers.MaxPooling2D((2, 2), name=f"p_{i}" if i < len(filters) else "z")(h)
    encoder = keras.Model(x, h, name="encoder")

    z = keras.Input(shape=tuple(h.shape[1:]), name="z")
    h = z
    for i, f in enumerate(filters[::-1][1:], start=len(filters) + 1):
        h = layers.Conv2DTranspose(f, (3, 3), padding="same", strides=(2, 2), activation=activation,
                                   kernel_initializer=kernel_initializer, name=f"h_{i}")(h)
    y_up = layers.Conv2DTranspose(input_shape[2], (3, 3), padding="same", strides=(2, 2),
                                  activation="sigmoid", kernel_initializer=kernel_initializer,
                                  name="y_up")(h)
    decoder = keras.Model(z, layers.Cropping2D((pad, pad), name="y")(y_up), name="decoder")
    return _finish(encoder, decoder, "conv_autoencoder", loss, optimizer, learning_rate)


def train(model: keras.Model, x, target=None, *, loss: str, learning_rate: float, epochs: int,
          batch_size: int = 128, validation_data=None, label: str = "training"):
    """Compile ``model`` with Adam and a cosine-decaying learning rate, then fit it.

    The rate starts at ``learning_rate`` and decays to zero along a cosine over the whole run,
    which lets these small models reach a given loss in far fewer epochs than a constant rate.

    Args:
        x: inputs; ``target`` defaults to ``x`` (plain reconstruction). A denoising autoencoder
            passes corrupted inputs as ``x`` and clean ones as ``target``.
        validation_data: optional ``(inputs, targets)`` monitored per epoch (curves only).
        label: text of the progress bar.

    Returns:
        The Keras ``History``.
    """
    epochs = _check_positive_int("epochs", epochs)
    batch_size = _check_positive_int("batch_size", batch_size)
    if not learning_rate > 0:
        raise ValueError(f"Invalid value for argument 'learning_rate': expected > 0, "
                         f"received learning_rate={learning_rate!r}")
    target = x if target is None else target
    if len(target) != len(x):
        raise ValueError(f"x and target must have the same length; got {len(x)} and {len(target)}")
    from .training import ProgressBar

    steps = epochs * int(np.ceil(len(x) / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss=loss,
                  steps_per_execution=STEPS_PER_EXECUTION)
    return model.fit(x, target, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0,
                     validation_data=validation_data, callbacks=[ProgressBar(label)])


def layer_outputs(model: Autoencoder, x, names=None) -> dict:
    """Activations of the named layers of an :class:`Autoencoder` for inputs ``x`` (batched).

    Args:
        names: layer names in the encoder or decoder; default: every layer except the inputs.

    Returns:
        dict name -> NumPy array, in the order the data flows through the model.
    """
    parts = [model.encoder, model.decoder]
    all_names = [l.name for p in parts for l in p.layers if not isinstance(l, layers.InputLayer)]
    names = all_names if names is None else list(names)
    unknown = [n for n in names if n not in all_names]
    if unknown:
        raise ValueError(f"Invalid value for argument 'names': unknown layers {unknown}; "
                         f"available: {all_names}")
    probes = [keras.Model(p.inputs, [p.get_layer(n).output for n in names if n in
                                     [l.name for l in p.layers]]) for p in parts]
    enc_out = probes[0].predict(x, verbose=0, batch_size=256)
    code = model.encoder.predict(x, verbose=0, batch_size=256)
    dec_out = probes[1].predict(code, verbose=0, batch_size=256)
    outs = [o for o in (enc_out, dec_out) for o in (o if isinstance(o, list) else [o])]
    found = [n for p in parts for n in names if n in [l.name for l in p.layers]]
    return dict(zip(found, outs))


def reconstruction_errors(x, x_rec, eps: float = 1e-7) -> dict:
    """Per-pixel reconstruction errors averaged over a data set.

    Args:
        x: originals in [0, 1], any shape (N, ...).
        x_rec: reconstructions of the same shape. Cross-entropy needs values in (0, 1); outputs
            of linear models (PCA, the linear autoencoder) are clipped to [eps, 1 − eps] first.

    Returns:
        dict with ``"cross_entropy"`` (binary cross-entropy in nats per pixel) and ``"mse"``.
    """
    x, x_rec = np.asarray(x), np.asarray(x_rec)
    if x.shape != x_rec.shape:
        raise ValueError(f"x and x_rec must have the same shape; got {x.shape} and {x_rec.shape}")
    if x.size == 0:
        raise ValueError("x is empty")
    if x.min() < 0 or x.max() > 1:
        raise ValueError(f"x must lie in [0, 1]; got range [{x.min():.3g}, {x.max():.3g}]")
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
    lines = [f"{'part':8s} {'layer':10s} {'type':16s} {'output shape':16s} {'params':>8s}"]
    for part in (model.encoder, model.decoder):
        for layer in part.layers:
            shape = tuple(layer.output.shape[1:])
            lines.append(f"{part.name:8s} {layer.name:10s} {type(layer).__name__:16s} "
                         f"{str(shape):16s} {layer.count_params():8,d}")
    lines.append(f"{'total':53s} {model.count_params():8,d}")
    return "\n".join(lines)
