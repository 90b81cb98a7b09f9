"""A CPU-sized CycleGAN (Zhu et al., 2017) and the stroke-thickening domain it translates to.

Two translators ``G_ab`` and ``G_ba`` each fool the discriminator of their target domain
(least-squares GAN losses), and the cycle-consistency loss
``|G_ba(G_ab(a)) - a| + |G_ab(G_ba(b)) - b|`` stops them from inventing unrelated images. The
optional identity loss ``|G_ab(b) - b| + |G_ba(a) - a|`` (Zhu et al., section 5.2) asks each
translator to leave images that are already in its target domain unchanged.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from . import autodiff
from .gan import TwoPlayerModel, _check_net
from ._backend.validation import check_array, check_float, check_int, check_ints, described, invalid


def thicken_strokes(images, size=3):
    """Thicker digits: grey-level dilation (a ``size x size`` max filter) of ``(n, H, W, 1)``."""
    from scipy.ndimage import grey_dilation

    images = check_array("images", images, ndim=4, dtype=None)
    if images.shape[-1] != 1:
        raise invalid("images", "an array of shape (n, H, W, 1)",
                      described(f"shape {images.shape}"))
    size = check_int("size", size, low=1)
    return grey_dilation(images, size=(1, size, size, 1))


def translator(filters=16, depth=3):
    """A small residual image-to-image generator (28x28x1 -> 28x28x1), uncompiled.

    It predicts a *change* to its input, clipped to [0, 1]; the last convolution starts at zero,
    so training starts from the identity map (which already satisfies cycle consistency).
    """
    filters = check_int("filters", filters, low=1)
    x = keras.Input((28, 28, 1))
    h = x
    for _ in range(check_int("depth", depth, low=1) - 1):
        h = layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    delta = layers.Conv2D(1, 3, padding="same", kernel_initializer="zeros")(h)
    return keras.Model(x, layers.ReLU(max_value=1.0)(layers.Add()([x, delta])),
                       name="translator")


def patch_discriminator(filters=(16, 32)):
    """A PatchGAN-style discriminator: one real/fake score per 7x7 grid cell of a 28x28 image."""
    x = keras.Input((28, 28, 1))
    h = x
    for f in check_ints("filters", filters, low=1, min_len=1):
        h = layers.LeakyReLU(0.2)(layers.Conv2D(f, 4, strides=2, padding="same")(h))
    return keras.Model(x, layers.Conv2D(1, 3, padding="same")(h), name="patch_discriminator")


@keras.saving.register_keras_serializable(package="deep_unsupervised")
class CycleGAN(TwoPlayerModel):
    """Unpaired translation between domains A and B (Zhu et al., 2017), least-squares losses.

    Train on a dataset yielding unpaired ``(a, b)`` batches. The generators and the
    discriminators have their own optimisers; as for :class:`~deep_unsupervised.gan.GAN`, the
    losses are written once and :mod:`~deep_unsupervised.autodiff` takes the gradients on
    TensorFlow or JAX.

    Args:
        g_ab, g_ba: the translators A -> B and B -> A.
        d_a, d_b: the discriminators of domains A and B (one score per patch).
        cycle_weight: weight λ of the cycle-consistency loss (Zhu et al.: 10).
        identity_weight: weight of the identity loss (Zhu et al. use 0.5 λ for photos; 0 = off).
    """

    def __init__(self, g_ab, g_ba, d_a, d_b, cycle_weight=10.0, identity_weight=0.0, **kwargs):
        super().__init__(**kwargs)
        self.g_ab, self.g_ba = _check_net("g_ab", g_ab), _check_net("g_ba", g_ba)
        self.d_a, self.d_b = _check_net("d_a", d_a), _check_net("d_b", d_b)
        self.cycle_weight = check_float("cycle_weight", cycle_weight, low=0)
        self.identity_weight = check_float("identity_weight", identity_weight, low=0)
        names = ("g_adv", "cycle") + (("identity",) if self.identity_weight else ()) + ("d_loss",)
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}
        self.built = all(net.built for net in (g_ab, g_ba, d_a, d_b))

    def call(self, a, training=False):
        """The translation A -> B (so that the model can be built and saved)."""
        return self.g_ab(a, training=training)

    def build(self, input_shape=None):
        self.built = True

    @property
    def metrics(self):
        return list(self.trackers.values())

    def get_config(self):
        nets = {k: keras.saving.serialize_keras_object(getattr(self, k))
                for k in ("g_ab", "g_ba", "d_a", "d_b")}
        return {**super().get_config(), **nets, "cycle_weight": self.cycle_weight,
                "identity_weight": self.identity_weight}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("g_ab", "g_ba", "d_a", "d_b"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    def generator_losses(self, a, b):
        """The translators' loss terms: adversarial, cycle consistency and identity."""
        fake_b, fake_a = self.g_ab(a, training=True), self.g_ba(b, training=True)
        adv = (ops.mean(ops.square(self.d_b(fake_b) - 1.0))
               + ops.mean(ops.square(self.d_a(fake_a) - 1.0)))
        cycle = (ops.mean(ops.abs(self.g_ba(fake_b, training=True) - a))
                 + ops.mean(ops.abs(self.g_ab(fake_a, training=True) - b)))
        identity = ops.zeros(())
        if self.identity_weight > 0:
            identity = (ops.mean(ops.abs(self.g_ab(b, training=True) - b))
                        + ops.mean(ops.abs(self.g_ba(a, training=True) - a)))
        return fake_a, fake_b, adv, cycle, identity

    def discriminator_loss(self, a, b, fake_a, fake_b):
        """Least squares: each discriminator scores real images 1 and translated ones 0."""
        loss = 0.0
        for d, real, fake in ((self.d_a, a, fake_a), (self.d_b, b, fake_b)):
            loss = (loss + ops.mean(ops.square(d(real, training=True) - 1.0))
                    + ops.mean(ops.square(d(ops.stop_gradient(fake), training=True))))
        return loss

    def player_weights(self):
        return (self.d_a.trainable_weights + self.d_b.trainable_weights,
                self.g_ab.trainable_weights + self.g_ba.trainable_weights)

    def _generator_objective(self, a, b):
        fake_a, fake_b, adv, cycle, identity = self.generator_losses(a, b)
        total = adv + self.cycle_weight * cycle + self.identity_weight * identity
        return total, (fake_a, fake_b, adv, cycle, identity)

    def _discriminator_objective(self, a, b, fake_a, fake_b):
        loss = self.discriminator_loss(a, b, fake_a, fake_b)
        return loss, loss  # (the loss to differentiate, the value to report)

    @autodiff.any_backend
    def train_step(self, data):
        """One update of the translators (through fixed discriminators), then of the
        discriminators (real -> 1, translated -> 0)."""
        a, b = data
        d_weights, g_weights = self.player_weights()
        fake_a, fake_b, adv, cycle, identity = self._update(
            self.g_optimizer, g_weights, lambda: self._generator_objective(a, b))
        d_loss = self._update(self.d_optimizer, d_weights,
                              lambda: self._discriminator_objective(a, b, fake_a, fake_b))
        values = {"g_adv": adv, "cycle": cycle, "identity": identity, "d_loss": d_loss}
        for name, tracker in self.trackers.items():
            tracker.update_state(values[name])
        return {m.name: m.result() for m in self.metrics}


def translation_errors(model, test_a, size=3):
    """Mean squared errors of the translations of ``test_a`` against the known thick digits.

    Returns:
        ``{"mse_ab", "mse_ba", "mse_cycle", "mse_do_nothing"}`` (``float``s).
    """
    test_a = check_array("test_a", test_a, ndim=4, low=0, high=1)
    test_b = thicken_strokes(test_a, size=size)
    a_to_b = model.g_ab.predict(test_a, verbose=0)
    mse = lambda u, v: float(np.mean((np.asarray(u) - v) ** 2))  # noqa: E731
    return {"mse_ab": mse(a_to_b, test_b),
            "mse_ba": mse(model.g_ba.predict(test_b, verbose=0), test_a),
            "mse_cycle": mse(model.g_ba.predict(a_to_b, verbose=0), test_a),
            "mse_do_nothing": mse(test_a, test_b)}
