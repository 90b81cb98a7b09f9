"""Variational autoencoders (Kingma & Welling, {cite}`kingma2014autoencoding`).

Top-down: ``Sampling`` (the reparametrisation trick), ``kl_diag_gaussian`` (closed-form KL to
N(0, I)), ``bernoulli_log_likelihood`` / ``gaussian_log_likelihood`` (log p(x|z)), ``VAE`` (a
keras.Model whose loss is reconstruction + beta * KL, each term tracked as a metric), builders
``dense_encoder/decoder`` and ``conv_encoder/decoder`` for any (H, W, C) image shape, and
``importance_weighted_log_likelihood`` (the k-sample bound on log p(x)).

All quantities are in nats per example (summed over pixels and latent dimensions, averaged over
the batch), so ``loss`` with ``beta=1`` is the negative evidence lower bound, -ELBO. Training is
backend-neutral: the model overrides ``compute_loss`` and uses ``keras.ops``/``keras.random`` only.

Example (the encoder maps x -> (z_mean, z_log_var), the decoder z -> pixel probabilities):
    >>> enc = conv_encoder(input_shape=(64, 64, 1), latent_dim=10)     # doctest: +SKIP
    >>> dec = conv_decoder(output_shape=(64, 64, 1), latent_dim=10)    # doctest: +SKIP
    >>> vae = VAE(enc, dec, beta=4.0)                                  # doctest: +SKIP
    >>> training.fit(vae, x_train, epochs=10, batch_size=128)         # doctest: +SKIP
    >>> vae.evaluate(x_test, return_dict=True)   # {'loss': ..., 'reconstruction': ..., 'kl': ...}
"""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import layers, ops

from ._backend.validation import (check_array, check_choice, check_float, check_int, check_ints,
                         check_shape, described, invalid, wrong_type)

LIKELIHOODS = ("bernoulli", "gaussian")
_EPS = 1e-7  # keeps log(p) and log(1 - p) finite, as Keras's binary cross-entropy does


def _check_seed(seed):
    return None if seed is None else check_int("seed", seed, low=0)


def _check_same_shape(name_a, a, name_b, b):
    """Tensors a and b of one (static) shape; None (unknown) sizes match anything."""
    sa, sb = tuple(a.shape), tuple(b.shape)
    if len(sa) != len(sb) or any(p is not None and q is not None and p != q
                                 for p, q in zip(sa, sb)):
        raise invalid(name_b, f"the shape of {name_a}, {sa}", described(f"shape {sb}"))


def _check_model(name, value, what):
    if not isinstance(value, layers.Layer):
        raise wrong_type(name, f"a keras model {what}", described(f"{name}={value!r}"))
    return value


# -- the two ingredients of the loss ---------------------------------------------------------------
@keras.saving.register_keras_serializable(package="deep_unsupervised")
class Sampling(layers.Layer):
    """Draw z ~ N(z_mean, diag(exp(z_log_var))) as z = z_mean + exp(0.5 * z_log_var) * eps.

    eps ~ N(0, I) is the only random input, so gradients flow to ``z_mean`` and ``z_log_var``
    (the reparametrisation trick). Note ``exp(0.5 * log sigma^2) = sigma``: the lecture's code
    multiplies eps by ``exp(z_log_var) = sigma^2`` instead, which is wrong.

    Args:
        seed: seed of the noise (``None``: unseeded).
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = _check_seed(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

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
    z_mean, z_log_var = ops.convert_to_tensor(z_mean), ops.convert_to_tensor(z_log_var)
    _check_same_shape("z_mean", z_mean, "z_log_var", z_log_var)
    return 0.5 * ops.sum(ops.square(z_mean) + ops.exp(z_log_var) - 1.0 - z_log_var, axis=-1)


def _sum_over_features(t):
    return ops.sum(ops.reshape(t, (ops.shape(t)[0], -1)), axis=-1)


def bernoulli_log_likelihood(x, probs):
    """log p(x|z) = sum_i x_i log p_i + (1 - x_i) log(1 - p_i), per example (minus the cross-entropy).

    A proper log-probability when x is binary; for grey levels in [0, 1] it is only the negated
    cross-entropy that the lecture uses as a reconstruction loss.
    """
    x, probs = ops.convert_to_tensor(x), ops.convert_to_tensor(probs)
    _check_same_shape("x", x, "probs", probs)
    probs = ops.clip(probs, _EPS, 1.0 - _EPS)
    return _sum_over_features(x * ops.log(probs) + (1.0 - x) * ops.log(1.0 - probs))


def gaussian_log_likelihood(x, mean, log_var=0.0):
    """log N(x; mean, exp(log_var) I), per example; ``log_var=0`` is the lecture's N(mu, I)."""
    x, mean = ops.convert_to_tensor(x), ops.convert_to_tensor(mean)
    _check_same_shape("x", x, "mean", mean)
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

    Calling the model returns ``(decoded, z_mean, z_log_var)``: the decoder's probabilities (or
    means) for one sampled code per example, and the parameters of q(z|x). Metrics (nats per
    example): ``loss``, ``reconstruction`` (= -E_q log p(x|z), one sample) and ``kl``
    (= KL(q(z|x) || N(0, I)), closed form).
    """

    def __init__(self, encoder, decoder, beta=1.0, likelihood="bernoulli", seed=None, **kwargs):
        super().__init__(**kwargs)
        self.encoder = _check_model("encoder", encoder, "mapping x to (z_mean, z_log_var)")
        self.decoder = _check_model("decoder", decoder, "mapping z to an image")
        self.beta = check_float("beta", beta, low=0)
        self.likelihood = check_choice("likelihood", likelihood, LIKELIHOODS)
        self.seed = _check_seed(seed)
        self.sampling = Sampling(seed=self.seed)
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")
        self.built = True  # encoder and decoder arrive built; the sampling layer has no weights

    def call(self, x, training=False):
        """(decoded, z_mean, z_log_var): x encoded, one code sampled, decoded."""
        z_mean, z_log_var = self.encoder(x, training=training)
        z = self.sampling([z_mean, z_log_var])
        return self.decoder(z, training=training), z_mean, z_log_var

    def log_likelihood(self, x, decoded):
        """log p(x|z) per example under the chosen likelihood."""
        if self.likelihood == "bernoulli":
            return bernoulli_log_likelihood(x, decoded)
        return gaussian_log_likelihood(x, decoded)

    def elbo_terms(self, x, outputs):
        """(loss, reconstruction, kl), batch means in nats, from x and the model's outputs."""
        decoded, z_mean, z_log_var = outputs
        reconstruction = -ops.mean(self.log_likelihood(x, decoded))
        kl = ops.mean(kl_diag_gaussian(z_mean, z_log_var))
        return reconstruction + self.beta * kl, reconstruction, kl

    def losses_of(self, x, training=False):
        """(loss, reconstruction, kl), batch means in nats, for a batch x."""
        return self.elbo_terms(x, self(x, training=training))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Keras's hook: the loss of ``fit``/``evaluate``; tracks the two terms on the way."""
        loss, reconstruction, kl = self.elbo_terms(x, y_pred)
        n = ops.shape(x)[0]  # weight each batch by its size, as Keras weights ``loss``
        self.reconstruction_tracker.update_state(reconstruction, sample_weight=n)
        self.kl_tracker.update_state(kl, sample_weight=n)
        for extra in self.losses:  # weight regularisers and add_loss terms, if any
            loss = loss + ops.sum(extra)
        return loss

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
def _image_shape(name, shape, divisor=1):
    shape = check_shape(name, shape, ndim=3)
    if shape[0] % divisor or shape[1] % divisor:
        raise invalid(name, f"height and width divisible by {divisor} (one halving per conv "
                      "layer)", shape)
    return shape


def _gaussian_head(h, latent_dim):
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)        # linear output units, as on
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)  # the q(z|x) slide
    return z_mean, z_log_var


def dense_encoder(input_shape=(28, 28, 1), latent_dim=2, hidden=(512,), name="encoder"):
    """MLP encoder x -> (z_mean, z_log_var) with ReLU hidden layers (Keras's classic VAE)."""
    input_shape = _image_shape("input_shape", input_shape)
    latent_dim = check_int("latent_dim", latent_dim, low=1)
    x = keras.Input(input_shape)
    h = layers.Flatten()(x)
    for units in check_ints("hidden", hidden, low=1):
        h = layers.Dense(units, activation="relu")(h)
    return keras.Model(x, _gaussian_head(h, latent_dim), name=name)


def dense_decoder(output_shape=(28, 28, 1), latent_dim=2, hidden=(512,), name="decoder"):
    """MLP decoder z -> pixel probabilities (logistic output units), shaped ``output_shape``."""
    output_shape = _image_shape("output_shape", output_shape)
    z = keras.Input((check_int("latent_dim", latent_dim, low=1),))
    h = z
    for units in check_ints("hidden", hidden, low=1):
        h = layers.Dense(units, activation="relu")(h)
    h = layers.Dense(int(np.prod(output_shape)), activation="sigmoid")(h)
    return keras.Model(z, layers.Reshape(output_shape)(h), name=name)


def conv_encoder(input_shape=(28, 28, 1), latent_dim=2, filters=(32, 64), dense_units=16,
                 kernel_size=3, name="encoder"):
    """Convolutional encoder: one stride-2 conv per entry of ``filters``, then a dense layer.

    The defaults are the keras.io VAE example's (conv 32/64, dense 16); height and width must be
    divisible by 2 ** len(filters) (28, 32 and 64 all work with two layers).
    """
    filters = check_ints("filters", filters, low=1, min_len=1)
    input_shape = _image_shape("input_shape", input_shape, 2 ** len(filters))
    latent_dim = check_int("latent_dim", latent_dim, low=1)
    kernel_size = check_int("kernel_size", kernel_size, low=1)
    x = keras.Input(input_shape)
    h = x
    for f in filters:
        h = layers.Conv2D(f, kernel_size, strides=2, padding="same", activation="relu")(h)
    h = layers.Flatten()(h)
    h = layers.Dense(check_int("dense_units", dense_units, low=1), activation="relu")(h)
    return keras.Model(x, _gaussian_head(h, latent_dim), name=name)


def conv_decoder(output_shape=(28, 28, 1), latent_dim=2, filters=(64, 32), kernel_size=3,
                 name="decoder"):
    """Mirror of :func:`conv_encoder`: dense to a (H/2^k, W/2^k) grid, k transposed convs up."""
    filters = check_ints("filters", filters, low=1, min_len=1)
    output_shape = _image_shape("output_shape", output_shape, 2 ** len(filters))
    latent_dim = check_int("latent_dim", latent_dim, low=1)
    kernel_size = check_int("kernel_size", kernel_size, low=1)
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
MAX_CODES_PER_CALL = 8192  # codes decoded at once by the bound: about 26 MB per 28x28 array
def _log_weights(vae, xb, k, rng):
    """(k, b) log importance weights log p(x|z_i) + log p(z_i) - log q(z_i|x), z_i ~ q(z|x)."""
    mean, log_var = (ops.convert_to_numpy(t) for t in vae.encoder(xb, training=False))
    b, m = mean.shape
    eps = rng.standard_normal((k, b, m)).astype("float32")
    z = mean + np.exp(0.5 * log_var) * eps                              # (k, b, m)
    decoded = ops.convert_to_numpy(vae.decoder(z.reshape(k * b, m), training=False))
    x_rep = np.broadcast_to(xb, (k,) + xb.shape).reshape((k * b,) + xb.shape[1:])
    log_px_z = ops.convert_to_numpy(vae.log_likelihood(x_rep, decoded)).reshape(k, b)
    log_pz = -0.5 * np.sum(np.log(2 * np.pi) + z ** 2, axis=-1)
    log_qz = -0.5 * np.sum(np.log(2 * np.pi) + log_var + eps ** 2, axis=-1)
    return log_px_z + log_pz - log_qz


def importance_weighted_log_likelihood(vae, x, k=100, batch_size=None, seed=0):
    """Estimate log p(x) per example with k importance samples from q(z|x) {cite}`burda2016importance`.

    log p(x) ~ log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x), z_i ~ q(z|x). With k = 1 its mean is
    the ELBO; it increases towards log p(x) as k grows.

    Args:
        vae: a trained :class:`VAE`.
        x: images shaped like the encoder's input, (N, H, W, C).
        k: importance samples per image.
        batch_size: images per decoder call (k * batch_size codes are decoded at once);
            ``None`` keeps that product near ``MAX_CODES_PER_CALL``, bounding the memory.
        seed: seed of the codes' noise.

    Returns:
        NumPy array (N,) of estimates in nats.
    """
    if not isinstance(vae, VAE):
        raise wrong_type("vae", "a deep_unsupervised.vae.VAE", described(f"vae={vae!r}"))
    k = check_int("k", k, low=1)
    batch_size = (max(1, MAX_CODES_PER_CALL // k) if batch_size is None
                  else check_int("batch_size", batch_size, low=1))
    bounds = dict(low=0, high=1) if vae.likelihood == "bernoulli" else {}
    x = check_array("x", x, ndim=len(vae.encoder.input_shape), **bounds)
    expected = tuple(vae.encoder.input_shape[1:])
    if len(x) == 0 or x.shape[1:] != expected:
        raise invalid("x", f"a non-empty batch of shape (n, {', '.join(map(str, expected))})",
                      described(f"shape {x.shape}"))
    rng = np.random.default_rng(_check_seed(seed))
    out = []
    for start in range(0, len(x), batch_size):
        log_w = _log_weights(vae, x[start:start + batch_size], k, rng)
        top = log_w.max(axis=0)                      # log-mean-exp without underflow
        out.append(top + np.log(np.mean(np.exp(log_w - top), axis=0)))
    return np.concatenate(out)
