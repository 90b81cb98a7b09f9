"""Variational autoencoders (Kingma & Welling, {cite}`kingma2014autoencoding`).

Top-down: ``Sampling`` (the reparametrisation trick), ``kl_diag_gaussian`` (closed-form KL to
N(0, I)), ``bernoulli_log_likelihood`` / ``gaussian_log_likelihood`` (log p(x|z)), ``VAE`` (a
keras.Model whose loss is reconstruction + beta * KL, each term tracked as a metric), builders
``dense_encoder/decoder`` and ``conv_encoder/decoder`` for any (H, W, C) image shape, and
``importance_weighted_log_likelihood`` (the k-sample bound on log p(x)).

All quantities are in nats per example (summed over pixels and latent dimensions, averaged over
the batch), so ``loss`` with ``beta=1`` is the negative evidence lower bound, -ELBO.

Example (the encoder maps x -> (z_mean, z_log_var), the decoder z -> pixel probabilities):
    >>> enc = conv_encoder(input_shape=(64, 64, 1), latent_dim=10)     # doctest: +SKIP
    >>> dec = conv_decoder(output_shape=(64, 64, 1), latent_dim=10)    # doctest: +SKIP
    >>> vae = VAE(enc, dec, beta=4.0)                                  # doctest: +SKIP
    >>> vae.compile(optimizer=keras.optimizers.Adam(1e-3))             # doctest: +SKIP
    >>> vae.fit(x_train, epochs=10, batch_size=128, validation_data=(x_test,))  # doctest: +SKIP
    >>> vae.evaluate(x_test, return_dict=True)   # {'loss': ..., 'reconstruction': ..., 'kl': ...}
"""

from __future__ import annotations

import math

import numpy as np

from .training import STEPS_PER_EXECUTION, quiet_tensorflow

quiet_tensorflow()
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

LIKELIHOODS = ("bernoulli", "gaussian")
_EPS = 1e-7  # keeps log(p) and log(1 - p) finite, as Keras's binary cross-entropy does


# -- the two ingredients of the loss ---------------------------------------------------------------
@keras.saving.register_keras_serializable(package="deep_unsupervised")
class Sampling(layers.Layer):
    """Draw z ~ N(z_mean, diag(exp(z_log_var))) as z = z_mean + exp(0.5 * z_log_var) * eps.

    eps ~ N(0, I) is the only random input, so gradients flow to ``z_mean`` and ``z_log_var``
    (the reparametrisation trick). Note ``exp(0.5 * log sigma^2) = sigma``: the lecture's code
    multiplies eps by ``exp(z_log_var) = sigma^2`` instead, which is wrong.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * eps

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def kl_diag_gaussian(z_mean, z_log_var):
    """KL(N(mu, diag sigma^2) || N(0, I)) = 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2).

    Args:
        z_mean, z_log_var: tensors of shape (batch, m) holding mu and log sigma^2.

    Returns:
        (batch,) KL divergences in nats. The factor 1/2 is missing on the lecture's slide.
    """
    return 0.5 * ops.sum(ops.square(z_mean) + ops.exp(z_log_var) - 1.0 - z_log_var, axis=-1)


def _sum_over_features(t):
    return ops.sum(ops.reshape(t, (ops.shape(t)[0], -1)), axis=-1)


def bernoulli_log_likelihood(x, probs):
    """log p(x|z) = sum_i x_i log p_i + (1 - x_i) log(1 - p_i), per example (minus the cross-entropy).

    A proper log-probability when x is binary; for grey levels in [0, 1] it is only the negated
    cross-entropy that the lecture uses as a reconstruction loss.
    """
    probs = ops.clip(probs, _EPS, 1.0 - _EPS)
    return _sum_over_features(x * ops.log(probs) + (1.0 - x) * ops.log(1.0 - probs))


def gaussian_log_likelihood(x, mean, log_var=0.0):
    """log N(x; mean, exp(log_var) I), per example; ``log_var=0`` is the lecture's N(mu, I)."""
    log_var = ops.broadcast_to(ops.cast(log_var, mean.dtype), ops.shape(mean))
    return -0.5 * _sum_over_features(
        math.log(2 * math.pi) + log_var + ops.square(x - mean) / ops.exp(log_var))


# -- the model --------------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="deep_unsupervised")
class VAE(keras.Model):
    """A variational autoencoder trained on reconstruction + beta * KL (beta = 1: the -ELBO).

    Args:
        encoder: model mapping x to ``(z_mean, z_log_var)``, each (batch, m).
        decoder: model mapping z to pixel probabilities (Bernoulli) or means (Gaussian), shaped
            like x.
        beta: weight of the KL term; 1 gives the VAE, beta > 1 the beta-VAE of
            {cite}`higgins2017beta`.
        likelihood: ``"bernoulli"`` (cross-entropy; data in [0, 1]) or ``"gaussian"`` (unit
            variance, i.e. half the squared error plus a constant).
        seed: seed of the sampling layer.

    Metrics (nats per example): ``loss``, ``reconstruction`` (= -E_q log p(x|z), one sample)
    and ``kl`` (= KL(q(z|x) || N(0, I)), closed form).
    """

    def __init__(self, encoder, decoder, beta=1.0, likelihood="bernoulli", seed=None, **kwargs):
        super().__init__(**kwargs)
        if not (isinstance(beta, (int, float)) and math.isfinite(beta) and beta >= 0):
            raise ValueError(f"Invalid value for argument 'beta': expected a finite number >= 0, "
                             f"received beta={beta!r}")
        if likelihood not in LIKELIHOODS:
            raise ValueError(f"Invalid value for argument 'likelihood': expected one of "
                             f"{LIKELIHOODS}, received likelihood={likelihood!r}")
        self.encoder, self.decoder = encoder, decoder
        self.beta, self.likelihood, self.seed = float(beta), likelihood, seed
        self.sampling = Sampling(seed=seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")
        self.built = True  # encoder and decoder arrive built; the sampling layer has no weights

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_tracker, self.kl_tracker]

    def compile(self, optimizer="adam", **kwargs):
        """Keras's ``compile``, running several training steps per call by default (faster)."""
        kwargs.setdefault("steps_per_execution", STEPS_PER_EXECUTION)
        super().compile(optimizer=optimizer, **kwargs)

    def call(self, x, training=False):
        """Reconstruct x through one sampled code (use ``encoder``/``decoder`` for the parts)."""
        z_mean, z_log_var = self.encoder(x, training=training)
        return self.decoder(self.sampling([z_mean, z_log_var]), training=training)

    def log_likelihood(self, x, decoded):
        """log p(x|z) per example under the chosen likelihood."""
        if self.likelihood == "bernoulli":
            return bernoulli_log_likelihood(x, decoded)
        return gaussian_log_likelihood(x, decoded)

    def losses_of(self, x, training=False):
        """(loss, reconstruction, kl), batch means in nats, for a batch x."""
        z_mean, z_log_var = self.encoder(x, training=training)
        decoded = self.decoder(self.sampling([z_mean, z_log_var]), training=training)
        reconstruction = -ops.mean(self.log_likelihood(x, decoded))
        kl = ops.mean(kl_diag_gaussian(z_mean, z_log_var))
        return reconstruction + self.beta * kl, reconstruction, kl

    def _update(self, loss, reconstruction, kl):
        for tracker, value in zip(self.metrics, (loss, reconstruction, kl)):
            tracker.update_state(value)
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        import tensorflow as tf  # the book runs Keras on TensorFlow; test_step is backend-neutral

        x = data[0] if isinstance(data, (tuple, list)) else data
        with tf.GradientTape() as tape:
            loss, reconstruction, kl = self.losses_of(x, training=True)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return self._update(loss, reconstruction, kl)

    def test_step(self, data):
        x = data[0] if isinstance(data, (tuple, list)) else data
        return self._update(*self.losses_of(x, training=False))

    def get_config(self):
        return {**super().get_config(), "beta": self.beta, "likelihood": self.likelihood,
                "seed": self.seed,
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("encoder", "decoder"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)


# -- builders -------------------------------------------------------------------------------------
def _check_shape(name, shape, divisor=1):
    shape = tuple(int(s) for s in shape) if isinstance(shape, (tuple, list)) else shape
    if not (isinstance(shape, tuple) and len(shape) == 3 and all(s > 0 for s in shape)):
        raise ValueError(f"Invalid value for argument '{name}': expected (height, width, "
                         f"channels), received {name}={shape!r}")
    if shape[0] % divisor or shape[1] % divisor:
        raise ValueError(f"Invalid value for argument '{name}': height and width must be "
                         f"divisible by {divisor} (one halving per conv layer), "
                         f"received {name}={shape!r}")
    return shape


def _check_latent(latent_dim):
    if not (isinstance(latent_dim, (int, np.integer)) and latent_dim >= 1):
        raise ValueError(f"Invalid value for argument 'latent_dim': expected an integer >= 1, "
                         f"received latent_dim={latent_dim!r}")


def _gaussian_head(h, latent_dim):
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)        # linear output units, as on
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)  # the q(z|x) slide
    return z_mean, z_log_var


def dense_encoder(input_shape=(28, 28, 1), latent_dim=2, hidden=(512,), name="encoder"):
    """MLP encoder x -> (z_mean, z_log_var) with ReLU hidden layers (Keras's classic VAE)."""
    input_shape, _ = _check_shape("input_shape", input_shape), _check_latent(latent_dim)
    x = keras.Input(input_shape)
    h = layers.Flatten()(x)
    for units in hidden:
        h = layers.Dense(units, activation="relu")(h)
    return keras.Model(x, _gaussian_head(h, latent_dim), name=name)


def dense_decoder(output_shape=(28, 28, 1), latent_dim=2, hidden=(512,), name="decoder"):
    """MLP decoder z -> pixel probabilities (logistic output units), shaped ``output_shape``."""
    output_shape, _ = _check_shape("output_shape", output_shape), _check_latent(latent_dim)
    z = keras.Input((latent_dim,))
    h = z
    for units in hidden:
        h = layers.Dense(units, activation="relu")(h)
    h = layers.Dense(int(np.prod(output_shape)), activation="sigmoid")(h)
    return keras.Model(z, layers.Reshape(output_shape)(h), name=name)


def conv_encoder(input_shape=(28, 28, 1), latent_dim=2, filters=(32, 64), dense_units=16,
                 kernel_size=3, name="encoder"):
    """Convolutional encoder: one stride-2 conv per entry of ``filters``, then a dense layer.

    The defaults are the keras.io VAE example's (conv 32/64, dense 16); height and width must be
    divisible by 2 ** len(filters) (28, 32 and 64 all work with two layers).
    """
    input_shape = _check_shape("input_shape", input_shape, 2 ** len(filters))
    _check_latent(latent_dim)
    x = keras.Input(input_shape)
    h = x
    for f in filters:
        h = layers.Conv2D(f, kernel_size, strides=2, padding="same", activation="relu")(h)
    h = layers.Dense(dense_units, activation="relu")(layers.Flatten()(h))
    return keras.Model(x, _gaussian_head(h, latent_dim), name=name)


def conv_decoder(output_shape=(28, 28, 1), latent_dim=2, filters=(64, 32), kernel_size=3,
                 name="decoder"):
    """Mirror of :func:`conv_encoder`: dense to a (H/2^k, W/2^k) grid, k transposed convs up."""
    output_shape = _check_shape("output_shape", output_shape, 2 ** len(filters))
    _check_latent(latent_dim)
    scale = 2 ** len(filters)
    h0, w0 = output_shape[0] // scale, output_shape[1] // scale
    z = keras.Input((latent_dim,))
    h = layers.Dense(h0 * w0 * filters[0], activation="relu")(z)
    h = layers.Reshape((h0, w0, filters[0]))(h)
    for f in filters:
        h = layers.Conv2DTranspose(f, kernel_size, strides=2, padding="same", activation="relu")(h)
    out = layers.Conv2DTranspose(output_shape[2], kernel_size, padding="same",
                                 activation="sigmoid")(h)
    return keras.Model(z, out, name=name)


# -- evaluation -----------------------------------------------------------------------------------
def _log_normal_diag(z, mean, log_var):
    return -0.5 * ops.sum(math.log(2 * math.pi) + log_var
                          + ops.square(z - mean) / ops.exp(log_var), axis=-1)


def importance_weighted_log_likelihood(vae, x, k=100, batch_size=50, seed=0):
    """Estimate log p(x) per example with k importance samples from q(z|x) {cite}`burda2016importance`.

    log p(x) ~ log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x), z_i ~ q(z|x). With k = 1 its mean is
    the ELBO; it increases towards log p(x) as k grows.

    Returns:
        NumPy array (N,) of estimates in nats.
    """
    x = np.asarray(x, dtype="float32")
    if not (isinstance(k, (int, np.integer)) and k >= 1):
        raise ValueError(f"Invalid value for argument 'k': expected an integer >= 1, received k={k!r}")
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"Invalid value for argument 'x': expected a non-empty batch, "
                         f"received shape {x.shape}")
    rng = np.random.default_rng(seed)
    out = []
    for start in range(0, len(x), batch_size):
        xb = x[start:start + batch_size]
        mean, log_var = (np.asarray(t) for t in vae.encoder(xb, training=False))
        b, m = mean.shape
        eps = rng.standard_normal((k, b, m)).astype("float32")
        z = (mean + np.exp(0.5 * log_var) * eps).reshape(k * b, m)
        decoded = vae.decoder.predict(z, batch_size=4096, verbose=0)
        log_px_z = np.asarray(vae.log_likelihood(np.tile(xb, (k,) + (1,) * (xb.ndim - 1)),
                                                 decoded)).reshape(k, b)
        zk = z.reshape(k, b, m)
        log_pz = -0.5 * np.sum(np.log(2 * np.pi) + zk ** 2, axis=-1)
        log_qz = -0.5 * np.sum(np.log(2 * np.pi) + log_var + eps ** 2, axis=-1)
        log_w = log_px_z + log_pz - log_qz
        top = log_w.max(axis=0)
        out.append(top + np.log(np.mean(np.exp(log_w - top), axis=0)))
    return np.concatenate(out)
