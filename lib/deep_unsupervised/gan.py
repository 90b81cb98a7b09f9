"""Generative adversarial networks: the three-step GAN, its losses, WGAN-GP, DCGAN and a tiny CycleGAN.

The discriminator always returns a *logit* ``l`` (no sigmoid), so ``D(x) = sigmoid(l)`` and
``log D = -softplus(-l)``, ``log(1 - D) = -softplus(l)`` are evaluated stably.

References: Goodfellow et al. (2014) for the minimax game and the non-saturating loss; Radford et al.
(2016) for DCGAN; Arjovsky et al. (2017) and Gulrajani et al. (2017) for the Wasserstein GAN with
gradient penalty; Zhu et al. (2017) for CycleGAN.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from .training import STEPS_PER_EXECUTION

# Grappler's "remapper" tries to fuse Conv2D + BiasAdd + LeakyReLU and fails (with a C++ error
# message, harmlessly) when the gradient penalty differentiates through that pattern twice.
tf.config.optimizer.set_experimental_options({"remapping": False})

LOSSES = ("minimax", "non_saturating", "wasserstein")


def _check_positive_int(name, value):
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"Invalid value for argument '{name}': expected a positive integer, "
                         f"received {name}={value!r}")


# -- the losses of the three update steps --------------------------------------------------------
def discriminator_real_loss(logits, loss="non_saturating"):
    """Step 1: the discriminator's loss on real data (it wants ``D(x) -> 1``, or a high critic score)."""
    if loss == "wasserstein":
        return -ops.mean(logits)
    return ops.mean(ops.softplus(-logits))  # -log D(x)


def discriminator_fake_loss(logits, loss="non_saturating"):
    """Step 2: the discriminator's loss on generated data (it wants ``D(G(z)) -> 0``, or a low score)."""
    if loss == "wasserstein":
        return ops.mean(logits)
    return ops.mean(ops.softplus(logits))  # -log(1 - D(G(z)))


def generator_loss(logits, loss="non_saturating"):
    """Step 3: the generator's loss on ``D(G(z))``.

    ``minimax`` minimises ``log(1 - D(G(z)))`` exactly as in the value function; its gradient vanishes
    when the discriminator confidently rejects the fakes. ``non_saturating`` minimises
    ``-log D(G(z))`` instead (same fixed point, strong gradient early on). ``wasserstein`` maximises
    the critic's score of the fakes.
    """
    if loss == "minimax":
        return -ops.mean(ops.softplus(logits))  # log(1 - D(G(z)))
    if loss == "non_saturating":
        return ops.mean(ops.softplus(-logits))  # -log D(G(z))
    return -ops.mean(logits)


def gradient_penalty(critic, x_real, x_fake):
    """WGAN-GP term ``E[(||grad_x critic(x_hat)||_2 - 1)^2]`` on random interpolates ``x_hat``.

    A 1-Lipschitz critic has gradient norm at most 1 everywhere; the optimal one has norm exactly 1
    on lines between real and generated points, which is where the penalty is applied.
    """
    shape = (ops.shape(x_real)[0],) + (1,) * (len(x_real.shape) - 1)
    eps = keras.random.uniform(shape)
    x_hat = eps * x_real + (1.0 - eps) * x_fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    norms = ops.sqrt(ops.sum(ops.square(ops.reshape(grads, (ops.shape(grads)[0], -1))), axis=1) + 1e-12)
    return ops.mean(ops.square(norms - 1.0))


# -- the model -----------------------------------------------------------------------------------
class GAN(keras.Model):
    """A GAN whose ``train_step`` performs the lecture's three update steps one after the other.

    1. train D to call real data real;  2. train D to call generated data fake;
    3. update G, through the fixed D, to make D call its samples real.
    Steps 1-2 repeat ``d_steps`` times per batch (the WGAN critic is usually trained more than G).

    Args:
        generator: maps ``(batch, latent_dim)`` noise to samples.
        discriminator: maps samples to one logit (or critic score) per sample.
        latent_dim: size of ``z ~ N(0, I)``.
        loss: ``"minimax"``, ``"non_saturating"`` or ``"wasserstein"`` (WGAN-GP).
        gp_weight: gradient-penalty weight λ, used only by ``"wasserstein"`` (Gulrajani et al.: 10).
        d_steps: discriminator updates (steps 1 and 2) per generator update.
        seed: seed of the noise drawn during training.

    Example:
        >>> gan = GAN(mlp_generator(), mlp_discriminator(), latent_dim=2)  # doctest: +SKIP
        >>> gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))  # doctest: +SKIP
        >>> gan.fit(x, epochs=10, batch_size=256, verbose=0)  # doctest: +SKIP
    """

    def __init__(self, generator, discriminator, latent_dim, loss="non_saturating", gp_weight=10.0,
                 d_steps=1, seed=0, **kwargs):
        super().__init__(**kwargs)
        if loss not in LOSSES:
            raise ValueError(f"Invalid value for argument 'loss': expected one of {LOSSES}, "
                             f"received loss={loss!r}")
        _check_positive_int("latent_dim", latent_dim)
        _check_positive_int("d_steps", d_steps)
        if gp_weight < 0:
            raise ValueError(f"Invalid value for argument 'gp_weight': expected >= 0, "
                             f"received gp_weight={gp_weight}")
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim, self.loss_name = latent_dim, loss
        self.gp_weight, self.d_steps = float(gp_weight), d_steps
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.g_tracker = keras.metrics.Mean(name="g_loss")
        self.seed_generator = keras.random.SeedGenerator(seed)

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        """Two separate optimisers: the players are updated independently."""
        kwargs.setdefault("steps_per_execution", STEPS_PER_EXECUTION)
        super().compile(**kwargs)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    @property
    def metrics(self):
        return [self.d_real_tracker, self.d_fake_tracker, self.g_tracker]

    def sample(self, n, seed=None):
        """``n`` generated samples (inference mode), as a NumPy array."""
        z = keras.random.normal((n, self.latent_dim), seed=seed)
        return keras.ops.convert_to_numpy(self.generator(z, training=False))

    def _noise(self, batch_size):
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def _apply(self, optimizer, tape, loss, net):
        grads = tape.gradient(loss, net.trainable_weights)
        optimizer.apply_gradients(zip(grads, net.trainable_weights))

    def discriminator_step(self, x_real):
        """Update steps 1 and 2: only the discriminator's weights change.

        Step 1's loss (real data called real) and step 2's loss (fresh fakes called fake) are
        computed separately and their gradients summed into one optimiser update, as in the
        reference implementations; ``x_real`` also anchors the WGAN gradient penalty.

        Returns:
            ``(loss_real, loss_fake)``; for WGAN-GP ``loss_fake`` includes the penalty.
        """
        x_fake = self.generator(self._noise(ops.shape(x_real)[0]), training=True)
        with tf.GradientTape() as tape:
            loss_real = discriminator_real_loss(self.discriminator(x_real, training=True),
                                                self.loss_name)  # step 1
            loss_fake = discriminator_fake_loss(self.discriminator(x_fake, training=True),
                                                self.loss_name)  # step 2
            if self.loss_name == "wasserstein" and self.gp_weight > 0:
                loss_fake = loss_fake + self.gp_weight * gradient_penalty(self.discriminator,
                                                                          x_real, x_fake)
            loss = loss_real + loss_fake  # inside the tape, so that it is recorded
        self._apply(self.d_optimizer, tape, loss, self.discriminator)
        return loss_real, loss_fake

    def generator_step(self, batch_size):
        """Update step 3: gradients flow through D, but only the generator's weights change."""
        with tf.GradientTape() as tape:
            logits = self.discriminator(self.generator(self._noise(batch_size), training=True),
                                        training=True)
            loss = generator_loss(logits, self.loss_name)
        self._apply(self.g_optimizer, tape, loss, self.generator)
        return loss

    def train_step(self, data):
        x_real = data[0] if isinstance(data, tuple) else data
        for _ in range(self.d_steps):
            loss_real, loss_fake = self.discriminator_step(x_real)  # steps 1 and 2
            self.d_real_tracker.update_state(loss_real)
            self.d_fake_tracker.update_state(loss_fake)
        self.g_tracker.update_state(self.generator_step(ops.shape(x_real)[0]))  # step 3
        return {m.name: m.result() for m in self.metrics}


# -- builders ------------------------------------------------------------------------------------
def mlp_generator(latent_dim=2, data_dim=2, hidden=(64, 64)):
    """A small fully connected generator for 1-D/2-D toy data."""
    _check_positive_int("latent_dim", latent_dim)
    z = keras.Input((latent_dim,))
    h = z
    for units in hidden:
        h = layers.Dense(units, activation="relu")(h)
    return keras.Model(z, layers.Dense(data_dim)(h), name="generator")


def mlp_discriminator(data_dim=2, hidden=(64, 64)):
    """A small fully connected discriminator (one logit) for toy data."""
    x = keras.Input((data_dim,))
    h = x
    for units in hidden:
        h = layers.Dense(units)(h)
        h = layers.LeakyReLU(0.2)(h)
    return keras.Model(x, layers.Dense(1)(h), name="discriminator")


def dcgan_generator(latent_dim=32, filters=(64, 32)):
    """DCGAN generator for 28x28x1 digits (Radford et al.): project, reshape, two stride-2
    transposed convolutions with batch normalisation and ReLU, sigmoid output in [0, 1]."""
    _check_positive_int("latent_dim", latent_dim)
    z = keras.Input((latent_dim,))
    h = layers.Dense(7 * 7 * filters[0], use_bias=False)(z)
    h = layers.ReLU()(layers.BatchNormalization()(h))
    h = layers.Reshape((7, 7, filters[0]))(h)
    h = layers.Conv2DTranspose(filters[1], 4, strides=2, padding="same", use_bias=False)(h)
    h = layers.ReLU()(layers.BatchNormalization()(h))  # 14x14
    x = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid")(h)  # 28x28
    return keras.Model(z, x, name="dcgan_generator")


def dcgan_discriminator(filters=(32, 64), dropout=0.0):
    """DCGAN discriminator for 28x28x1 digits: strided convolutions with LeakyReLU(0.2), no pooling.

    No batch normalisation, so the same network can serve as a WGAN-GP critic (the penalty is per
    sample). ``dropout`` after each block slows a discriminator that would otherwise win too
    quickly. The flattened convolutional features are the layer named ``"features"``.
    """
    x = keras.Input((28, 28, 1))
    h = x
    for f in filters:
        h = layers.LeakyReLU(0.2)(layers.Conv2D(f, 4, strides=2, padding="same")(h))
        if dropout:
            h = layers.Dropout(dropout)(h)
    h = layers.Flatten(name="features")(h)
    return keras.Model(x, layers.Dense(1)(h), name="dcgan_discriminator")


# -- a CPU-sized CycleGAN ------------------------------------------------------------------------
def thicken_strokes(images, size=3):
    """Thicker digits: grey-level dilation (a ``size x size`` max filter) of ``(n, 28, 28, 1)`` images."""
    from scipy.ndimage import grey_dilation

    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 1:
        raise ValueError(f"'images' must have shape (n, H, W, 1), got {images.shape}")
    return grey_dilation(images, size=(1, size, size, 1))


def translator(filters=16, layers_=3):
    """A small residual image-to-image generator (28x28x1 -> 28x28x1).

    It predicts a *change* to its input, clipped to [0, 1]; the last convolution starts at zero, so
    training starts from the identity map (which already satisfies cycle consistency).
    """
    _check_positive_int("filters", filters)
    x = keras.Input((28, 28, 1))
    h = x
    for _ in range(layers_ - 1):
        h = layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    delta = layers.Conv2D(1, 3, padding="same", kernel_initializer="zeros")(h)
    return keras.Model(x, layers.ReLU(max_value=1.0)(layers.Add()([x, delta])), name="translator")


def patch_discriminator(filters=(16, 32)):
    """A PatchGAN-style discriminator: one real/fake score per 7x7 grid cell of a 28x28 image."""
    x = keras.Input((28, 28, 1))
    h = x
    for f in filters:
        h = layers.LeakyReLU(0.2)(layers.Conv2D(f, 4, strides=2, padding="same")(h))
    return keras.Model(x, layers.Conv2D(1, 3, padding="same")(h))


class CycleGAN(keras.Model):
    """Unpaired translation between domains A and B (Zhu et al., 2017), least-squares GAN losses.

    ``G_ab`` and ``G_ba`` each fool their domain's discriminator, and the cycle-consistency loss
    ``|G_ba(G_ab(a)) - a| + |G_ab(G_ba(b)) - b|`` (weight ``cycle_weight``) stops them from
    inventing unrelated images. Train on a dataset yielding unpaired ``(a, b)`` batches.
    """

    def __init__(self, g_ab, g_ba, d_a, d_b, cycle_weight=10.0, **kwargs):
        super().__init__(**kwargs)
        if cycle_weight < 0:
            raise ValueError(f"Invalid value for argument 'cycle_weight': expected >= 0, "
                             f"received cycle_weight={cycle_weight}")
        self.g_ab, self.g_ba, self.d_a, self.d_b = g_ab, g_ba, d_a, d_b
        self.cycle_weight = float(cycle_weight)
        self.trackers = [keras.metrics.Mean(name=n) for n in ("g_adv", "cycle", "d_loss")]

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        kwargs.setdefault("steps_per_execution", STEPS_PER_EXECUTION)
        super().compile(**kwargs)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    @property
    def metrics(self):
        return self.trackers

    def train_step(self, data):
        a, b = data
        gens, discs = [self.g_ab, self.g_ba], [self.d_a, self.d_b]
        with tf.GradientTape() as tape:  # generators, through fixed discriminators
            fake_b, fake_a = self.g_ab(a, training=True), self.g_ba(b, training=True)
            adv = (ops.mean(ops.square(self.d_b(fake_b) - 1.0))
                   + ops.mean(ops.square(self.d_a(fake_a) - 1.0)))
            cycle = (ops.mean(ops.abs(self.g_ba(fake_b, training=True) - a))
                     + ops.mean(ops.abs(self.g_ab(fake_a, training=True) - b)))
            g_total = adv + self.cycle_weight * cycle
        g_vars = [w for g in gens for w in g.trainable_weights]
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_total, g_vars), g_vars))
        with tf.GradientTape() as tape:  # discriminators: real -> 1, fake -> 0
            d_loss = 0.0
            for d, real, fake in ((self.d_a, a, fake_a), (self.d_b, b, fake_b)):
                d_loss = d_loss + ops.mean(ops.square(d(real, training=True) - 1.0)) \
                    + ops.mean(ops.square(d(ops.stop_gradient(fake), training=True)))
        d_vars = [w for d in discs for w in d.trainable_weights]
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
        for tracker, value in zip(self.trackers, (adv, cycle, d_loss)):
            tracker.update_state(value)
        return {m.name: m.result() for m in self.trackers}
