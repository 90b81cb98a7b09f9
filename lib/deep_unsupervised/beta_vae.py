"""The β-VAE's specifics: its convolutional networks, β normalised for the input size, and β
as a variable that a callback can lower during training.

* :func:`conv_encoder` / :func:`conv_decoder`: the convolutional networks used for β-VAEs on the
  dSprites-like shapes by {cite}`higgins2017beta` and {cite}`burgess2018understanding`: 4×4
  kernels with stride 2, halving the image down to 4×4 (three layers at 32×32, four at 64×64),
  then a dense layer of 256 units; the decoder mirrors it with transposed convolutions.
* :func:`beta_norm` / :func:`beta_from_norm`: Higgins et al.'s normalised β, β_norm = β M / N
  for a code of M elements and N input pixels. The reconstruction term sums over pixels, so the
  same β presses four times harder on 32×32 images than on 64×64 ones; equal β_norm is equal
  pressure.
* :class:`BetaVAE`: ``vae.VAE`` with the objective reconstruction + β KL, where β is a
  ``keras.Variable``; :class:`BetaSchedule` lowers it between epochs (β annealing), and
  :class:`CodeScores` records the held-out MIG and KL while a model trains.
* :func:`rotated_kl`: the KL a diagonal posterior costs after its code is rotated, the reason a
  VAE prefers some axes (Rolinek et al., 2019).
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from . import vae as V
from ._backend.validation import check_float, check_int, check_shape, invalid


def beta_norm(beta, latent_dim, input_size) -> float:
    """Higgins et al.'s normalised β: β × (code elements) / (input pixels)."""
    beta = check_float("beta", beta, low=0)
    latent_dim = check_int("latent_dim", latent_dim, low=1)
    return beta * latent_dim / check_int("input_size", input_size, low=1)


def beta_from_norm(norm, latent_dim, input_size) -> float:
    """The β that has normalised value ``norm`` (inverse of :func:`beta_norm`)."""
    norm = check_float("norm", norm, low=0)
    latent_dim = check_int("latent_dim", latent_dim, low=1)
    return norm * check_int("input_size", input_size, low=1) / latent_dim


def _n_halvings(shape) -> int:
    shape = check_shape("input_shape", shape, ndim=3)
    n = math.log2(shape[0]) - 2
    if shape[0] != shape[1] or shape[0] < 8 or n != int(n):
        raise invalid("input_shape", "square images of 8, 16, 32, 64, ... pixels", shape)
    return int(n)


def _channels(filters, n):
    return [filters if i < 2 else 2 * filters for i in range(n)]  # 32, 32, 64, 64


def conv_encoder(input_shape=(32, 32, 1), latent_dim=10, filters=32, dense_units=256,
                 name="encoder"):
    """x -> (z_mean, z_log_var): stride-2 4×4 convolutions down to 4×4, then a dense layer.

    Args:
        input_shape: (R, R, C) with R a power of two ≥ 8.
        latent_dim: code elements M (10 in the papers).
        filters: channels of the first two layers; later layers have twice as many.
        dense_units: width of the dense layer (256 in the papers).
    """
    n = _n_halvings(input_shape)
    latent_dim = check_int("latent_dim", latent_dim, low=1)
    x = keras.Input(input_shape)
    h = x
    for f in _channels(check_int("filters", filters, low=1), n):
        h = layers.Conv2D(f, 4, strides=2, padding="same", activation="relu")(h)
    h = layers.Dense(check_int("dense_units", dense_units, low=1),
                     activation="relu")(layers.Flatten()(h))
    return keras.Model(x, [layers.Dense(latent_dim, name="z_mean")(h),
                           layers.Dense(latent_dim, name="z_log_var")(h)], name=name)


def conv_decoder(output_shape=(32, 32, 1), latent_dim=10, filters=32, dense_units=256,
                 name="decoder"):
    """z -> pixel probabilities: dense layers to a 4×4 grid, stride-2 transposed convolutions up."""
    n = _n_halvings(output_shape)
    latent_dim = check_int("latent_dim", latent_dim, low=1)
    channels = _channels(check_int("filters", filters, low=1), n)[::-1]
    z = keras.Input((latent_dim,))
    h = layers.Dense(check_int("dense_units", dense_units, low=1), activation="relu")(z)
    h = layers.Dense(4 * 4 * channels[0], activation="relu")(h)
    h = layers.Reshape((4, 4, channels[0]))(h)
    for f in channels[1:]:
        h = layers.Conv2DTranspose(f, 4, strides=2, padding="same", activation="relu")(h)
    out = layers.Conv2DTranspose(output_shape[2], 4, strides=2, padding="same",
                                 activation="sigmoid")(h)
    return keras.Model(z, out, name=name)


def codes(model, x, batch_size=1000):
    """The code of ``x`` (encoder means) and the KL (nats) each element carries on average.

    Returns:
        ``(z_mean, kl)``: arrays (N, M) and (M,); an element with KL ≈ 0 is switched off.
    """
    import numpy as np

    mean, log_var = model.encoder.predict(x, batch_size=batch_size, verbose=0)
    kl = 0.5 * np.mean(mean**2 + np.exp(log_var) - 1 - log_var, axis=0)
    return mean, kl


class CodeScores(keras.callbacks.Callback):
    """Record the held-out MIG and KL of the code every ``every`` epochs during ``fit``.

    Args:
        x, factors: held-out images and their factor indices.
        every: epochs between measurements.

    After training, ``steps``, ``mig`` and ``kl`` hold one entry per measurement; ``steps``
    counts the training steps of every ``fit`` the callback has seen.
    """

    def __init__(self, x, factors, every=1):
        super().__init__()
        self.x, self.factors = x, factors
        self.every = check_int("every", every, low=1)
        self.steps, self.mig, self.kl = [], [], []
        self._done = 0                                 # steps of earlier epochs and fits

    def on_epoch_end(self, epoch, logs=None):
        self._done += self.params.get("steps") or 0
        if (epoch + 1) % self.every:
            return
        from . import disentanglement as dis

        z, kl = codes(self.model, self.x)
        self.steps.append(self._done)
        self.mig.append(dis.mig(z, self.factors))
        self.kl.append(float(kl.sum()))


class BetaSchedule(keras.callbacks.Callback):
    """Set a :class:`BetaVAE`'s β at the start of chosen epochs (β annealing).

    Args:
        schedule: ``{epoch: beta}``; from each listed epoch on (0-based, counted as ``fit``
            counts them, so ``initial_epoch`` carries on), β takes the listed value.

    Example:
        >>> model.fit(x, epochs=40, callbacks=[BetaSchedule({0: 12.0, 16: 2.0})])  # doctest: +SKIP
    """

    def __init__(self, schedule):
        super().__init__()
        if not schedule:
            raise invalid("schedule", "a non-empty {epoch: beta} dict", schedule)
        self.schedule = {check_int("epoch", e, low=0): check_float("beta", b, low=0)
                         for e, b in dict(schedule).items()}

    def on_epoch_begin(self, epoch, logs=None):
        started = [e for e in self.schedule if e <= epoch]
        if started:
            self.model.beta_weight.assign(self.schedule[max(started)])


@keras.saving.register_keras_serializable(package="deep_unsupervised")
class BetaVAE(V.VAE):
    """A β-VAE: ``vae.VAE`` whose KL weight β is a ``keras.Variable``.

    Args:
        encoder, decoder, likelihood, seed: as for ``vae.VAE``.
        beta: the starting KL weight β (Higgins et al., 2017).

    ``beta_weight`` holds the current β; a callback such as :class:`BetaSchedule` may change it
    between epochs without recompiling the model. It is tracked as the metric ``beta``.
    """

    def __init__(self, encoder, decoder, beta=4.0, **kwargs):
        super().__init__(encoder, decoder, beta=beta, **kwargs)
        self.beta_weight = keras.Variable(self.beta, dtype="float32", trainable=False,
                                          name="beta")
        self.beta_tracker = keras.metrics.Mean(name="beta")

    def elbo_terms(self, x, outputs):
        """(loss, reconstruction, kl): reconstruction + β KL with the current β.

        ``x`` may hold bytes (0/1 pixels as uint8, as the 64×64 data sets are kept to save
        memory); it is cast to the decoder's float type here."""
        x = ops.cast(x, outputs[0].dtype)
        _, reconstruction, kl = super().elbo_terms(x, outputs)
        beta = ops.cast(self.beta_weight, kl.dtype)
        self.beta_tracker.update_state(beta)
        return reconstruction + beta * kl, reconstruction, kl


def rotated_kl(z_mean, z_log_var, rotations):
    """The KL cost of a code before and after rotating it, with a diagonal posterior.

    The prior N(0, I) is unchanged by a rotation Q, so the rotated posterior
    N(Q mu, Q diag(sigma²) Qᵀ) has exactly the KL of the original. An encoder with a diagonal
    posterior cannot output that full covariance: the closest diagonal Gaussian (the one that
    minimises KL(diagonal ‖ rotated), as the ELBO's KL does) has precisions equal to the diagonal
    of the rotated precision matrix, (Q²) (1/sigma²).

    Args:
        z_mean, z_log_var: (N, M) posterior means and log-variances of N inputs.
        rotations: (R, M, M) orthogonal matrices (e.g. ``disentanglement.random_rotations``).

    Returns:
        ``(kl, kl_rotated_diagonal)``: the mean KL (nats per input) of the posteriors as they
        are, and an array (R,) of the mean KL of the best diagonal fit after each rotation.
    """
    import numpy as np

    mean = np.asarray(z_mean, dtype=float)
    log_var = np.asarray(z_log_var, dtype=float)
    q = np.asarray(rotations, dtype=float)
    if mean.shape != log_var.shape or mean.ndim != 2:
        raise invalid("z_log_var", f"an (N, M) array shaped like z_mean {mean.shape}",
                      log_var.shape)
    if q.ndim != 3 or q.shape[1:] != (mean.shape[1],) * 2:
        raise invalid("rotations", f"an (R, {mean.shape[1]}, {mean.shape[1]}) array", q.shape)
    mean_sq = np.sum(mean**2, axis=1)                  # a rotation keeps |mu|
    kl = 0.5 * np.mean(mean_sq + np.sum(np.exp(log_var) - 1 - log_var, axis=1))
    precision = np.exp(-log_var)                       # (N, M)
    out = []
    for rotation in q:
        var = 1.0 / (precision @ (rotation**2).T)      # (N, M): 1 / diag(Q diag(1/σ²) Qᵀ)
        out.append(0.5 * np.mean(mean_sq + np.sum(var - 1 - np.log(var), axis=1)))
    return float(kl), np.array(out)
