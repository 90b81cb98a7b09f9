"""The β-VAE's specifics: its convolutional networks, β normalised for the input size, and the
capacity-controlled objective of Burgess et al. (2018).

* :func:`conv_encoder` / :func:`conv_decoder`: the convolutional networks used for β-VAEs on the
  dSprites-like shapes by {cite}`higgins2017beta` and {cite}`burgess2018understanding`: 4×4
  kernels with stride 2, halving the image down to 4×4 (three layers at 32×32, four at 64×64),
  then a dense layer of 256 units; the decoder mirrors it with transposed convolutions.
* :func:`beta_norm` / :func:`beta_from_norm`: Higgins et al.'s normalised β, β_norm = β M / N
  for a code of M elements and N input pixels. The reconstruction term sums over pixels, so the
  same β presses four times harder on 32×32 images than on 64×64 ones; equal β_norm is equal
  pressure.
* :class:`BetaVAE`: ``vae.VAE`` with the objective

      reconstruction + β KL                     (capacity = 0, Higgins et al.)
      reconstruction + γ |KL − C(t)|            (capacity > 0, Burgess et al.)

  where the target C(t) is held at 0 until step ``capacity_start`` and then grows linearly to
  ``capacity`` nats at step ``capacity_end``; γ is the ``beta`` argument. The model counts its
  own training steps (``steps_seen``), so C(t) also works on the JAX backend. Optionally β
  drops from ``beta`` to ``beta_final`` at step ``final_from`` (β annealing).
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from . import vae as V
from .validation import check_float, check_int, check_shape, invalid


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

    After training, ``steps``, ``mig`` and ``kl`` hold one entry per measurement.
    """

    def __init__(self, x, factors, every=1):
        super().__init__()
        self.x, self.factors = x, factors
        self.every = check_int("every", every, low=1)
        self.steps, self.mig, self.kl = [], [], []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        from . import disentanglement as dis

        z, kl = codes(self.model, self.x)
        counter = getattr(self.model, "steps_seen", None)   # survives a fresh optimiser
        if counter is None:
            counter = self.model.optimizer.iterations
        self.steps.append(int(counter.numpy()))
        self.mig.append(dis.mig(z, self.factors))
        self.kl.append(float(kl.sum()))


@keras.saving.register_keras_serializable(package="deep_unsupervised")
class BetaVAE(V.VAE):
    """A β-VAE, optionally with Burgess et al.'s capacity target C(t).

    Args:
        encoder, decoder, likelihood, seed: as for ``vae.VAE``.
        beta: the KL weight β; with a capacity, the weight γ of |KL − C(t)|.
        beta_final, final_from: if ``beta_final`` is given, β drops from ``beta`` to
            ``beta_final`` at training step ``final_from`` (a strong β first aligns the first
            elements with the factors that pay most; the weaker one then lets further factors in).
        capacity: the final target C in nats (0: the plain β-VAE objective).
        capacity_start, capacity_end: the training steps between which C(t) grows from 0 to
            ``capacity`` (it is 0 before and ``capacity`` after).

    The current target is tracked as the metric ``capacity``.
    """

    def __init__(self, encoder, decoder, beta=4.0, capacity=0.0, capacity_start=0,
                 capacity_end=1, beta_final=None, final_from=0, **kwargs):
        super().__init__(encoder, decoder, beta=beta, **kwargs)
        self.beta_final = None if beta_final is None else check_float("beta_final", beta_final,
                                                                       low=0)
        self.final_from = check_int("final_from", final_from, low=0)
        self.capacity = check_float("capacity", capacity, low=0)
        self.capacity_start = check_int("capacity_start", capacity_start, low=0)
        self.capacity_end = check_int("capacity_end", capacity_end, low=self.capacity_start + 1)
        if self.capacity > 0:  # only then is there a target to show
            self.capacity_tracker = keras.metrics.Mean(name="capacity")
        # training steps seen, counted by the model itself: under JAX the optimiser's
        # ``iterations`` cannot be read inside the (stateless) loss computation
        self.steps_seen = keras.Variable(0, dtype="int32", trainable=False, name="steps_seen",
                                         aggregation="only_first_replica")

    def capacity_at(self, step):
        """C(step) in nats: 0 before ``capacity_start``, linear up to ``capacity`` at the end."""
        step = ops.cast(step, "float32")
        frac = (step - self.capacity_start) / (self.capacity_end - self.capacity_start)
        return self.capacity * ops.clip(frac, 0.0, 1.0)

    def beta_at(self, step):
        """β at a training step: ``beta``, then ``beta_final`` from step ``final_from`` on."""
        if self.beta_final is None:
            return self.beta
        return ops.where(ops.less(step, self.final_from), self.beta, self.beta_final)

    def elbo_terms(self, x, outputs):
        """(loss, reconstruction, kl) with the β-VAE or the capacity objective.

        ``x`` may hold bytes (0/1 pixels as uint8, as the 64×64 data sets are kept to save
        memory); it is cast to the decoder's float type here."""
        x = ops.cast(x, outputs[0].dtype)
        _, reconstruction, kl = super().elbo_terms(x, outputs)
        step = ops.copy(self.steps_seen.value)        # read before ``compute_loss`` counts
        if self.capacity == 0:
            return reconstruction + self.beta_at(step) * kl, reconstruction, kl
        target = self.capacity_at(step)
        self.capacity_tracker.update_state(target)
        return reconstruction + self.beta * ops.abs(kl - target), reconstruction, kl

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """``vae.VAE.compute_loss``; a training step also advances ``steps_seen``."""
        loss = super().compute_loss(x, y, y_pred, sample_weight, training)
        if training:
            self.steps_seen.assign_add(1)
        return loss

    def get_config(self):
        return {**super().get_config(), "capacity": self.capacity,
                "capacity_start": self.capacity_start, "capacity_end": self.capacity_end,
                "beta_final": self.beta_final, "final_from": self.final_from}
