"""Generative adversarial networks: the three-step GAN, its losses, WGAN-GP and DCGAN.

The discriminator always returns a *logit* ``l`` (no sigmoid), so ``D(x) = sigmoid(l)`` and
``log D = -softplus(-l)``, ``log(1 - D) = -softplus(l)`` are evaluated stably.

References: Goodfellow et al. (2014) for the minimax game and the non-saturating loss; Radford et al.
(2016) for DCGAN; Arjovsky et al. (2017) and Gulrajani et al. (2017) for the Wasserstein GAN with
gradient penalty. The CycleGAN lives in :mod:`deep_unsupervised.cyclegan`.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from . import autodiff
from ._backend.validation import check_choice, check_float, check_int, check_ints, invalid, wrong_type

LOSSES = ("minimax", "non_saturating", "wasserstein")


def _check_net(name, net):
    if not isinstance(net, keras.Model):
        raise wrong_type(name, "a keras.Model", net)
    return net


# -- the losses of the three update steps --------------------------------------------------------
def discriminator_real_loss(logits, loss="non_saturating"):
    """Step 1: D's loss on real data (it wants ``D(x) -> 1``, or a high critic score)."""
    if check_choice("loss", loss, LOSSES) == "wasserstein":
        return -ops.mean(logits)
    return ops.mean(ops.softplus(-logits))  # -log D(x)


def discriminator_fake_loss(logits, loss="non_saturating"):
    """Step 2: D's loss on generated data (it wants ``D(G(z)) -> 0``, or a low score)."""
    if check_choice("loss", loss, LOSSES) == "wasserstein":
        return ops.mean(logits)
    return ops.mean(ops.softplus(logits))  # -log(1 - D(G(z)))


def generator_loss(logits, loss="non_saturating"):
    """Step 3: the generator's loss on ``D(G(z))``.

    ``minimax`` minimises ``log(1 - D(G(z)))`` exactly as in the value function; its gradient
    vanishes when the discriminator confidently rejects the fakes. ``non_saturating`` minimises
    ``-log D(G(z))`` instead (same fixed point, strong gradient early on). ``wasserstein``
    maximises the critic's score of the fakes.
    """
    loss = check_choice("loss", loss, LOSSES)
    if loss == "minimax":
        return -ops.mean(ops.softplus(logits))  # log(1 - D(G(z)))
    if loss == "non_saturating":
        return ops.mean(ops.softplus(-logits))  # -log D(G(z))
    return -ops.mean(logits)


def gradient_penalty(critic, x_real, x_fake, seed=None):
    """WGAN-GP term ``E[(||grad_x critic(x_hat)||_2 - 1)^2]`` on random interpolates ``x_hat``.

    A 1-Lipschitz critic has gradient norm at most 1 everywhere; the optimal one has norm
    exactly 1 on lines between real and generated points, which is where the penalty is applied
    (Gulrajani et al., 2017). The inner gradient, with respect to ``x_hat``, comes from
    :func:`~deep_unsupervised.autodiff.input_gradient` (a tape on TensorFlow, ``jax.grad`` on
    JAX); ``seed`` (a ``keras.random.SeedGenerator``) draws the interpolation weights.
    """
    if tuple(x_real.shape[1:]) != tuple(x_fake.shape[1:]):
        raise invalid("x_fake", f"samples of shape {tuple(x_real.shape[1:])} like x_real",
                      tuple(x_fake.shape[1:]))
    ones = (1,) * (len(x_real.shape) - 1)  # one weight per sample
    eps = keras.random.uniform((ops.shape(x_real)[0], *ones), seed=seed)
    x_hat = eps * x_real + (1.0 - eps) * x_fake
    grads = autodiff.input_gradient(lambda t: critic(t, training=True), x_hat)
    grads = ops.reshape(grads, (ops.shape(x_hat)[0], -1))
    norms = ops.sqrt(ops.sum(ops.square(grads), axis=1) + 1e-12)
    return ops.mean(ops.square(norms - 1.0))


# -- the model -----------------------------------------------------------------------------------
class PlayerOptimizers:
    """A two-player model's two optimisers, seen by Keras's trainers as its one ``optimizer``.

    Keras's JAX trainer passes the variables of ``model.optimizer`` (one optimiser) through each
    compiled step and writes them back after the epoch; a GAN has two optimisers, so its
    ``optimizer`` is this pair, whose ``variables`` are both optimisers' variables. ``build``
    gives each optimiser its own player's weights.
    """

    def __init__(self, model):
        self.model = model

    @property
    def variables(self):
        return self.model.d_optimizer.variables + self.model.g_optimizer.variables

    @property
    def built(self):
        return self.model.d_optimizer.built and self.model.g_optimizer.built

    def build(self, variables=None):
        """Build both optimisers, each on its player's weights (``variables`` is ignored)."""
        d_weights, g_weights = self.model.player_weights()
        self.model.d_optimizer.build(d_weights)
        self.model.g_optimizer.build(g_weights)


class TwoPlayerModel(keras.Model):
    """A model whose two players are trained by two separate optimisers (GAN, CycleGAN).

    Subclasses define ``player_weights()``, returning the discriminators' and the generators'
    trainable weights, and a stateful ``train_step`` decorated with
    :func:`~deep_unsupervised.autodiff.any_backend`.
    """

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        """``d_optimizer`` updates the discriminator(s), ``g_optimizer`` the generator(s)."""
        for name, opt in (("d_optimizer", d_optimizer), ("g_optimizer", g_optimizer)):
            if not isinstance(opt, keras.optimizers.Optimizer):
                raise wrong_type(name, "a Keras optimizer", opt)
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        self.optimizer = PlayerOptimizers(self)

    def player_weights(self):
        """``(discriminator weights, generator weights)``: what each optimiser updates."""
        raise NotImplementedError

    def _update(self, optimizer, weights, objective):
        """One step of ``optimizer`` on ``weights`` down the gradient of ``objective``.

        ``objective()`` returns ``(loss, aux)``; the gradient is taken by
        :func:`~deep_unsupervised.autodiff.value_and_grad` (a ``GradientTape`` on TensorFlow,
        ``jax.value_and_grad`` on JAX). Returns ``aux``.
        """
        _, aux, grads = autodiff.value_and_grad(objective, weights, self)
        optimizer.apply(grads, weights)
        return aux


@keras.saving.register_keras_serializable(package="deep_unsupervised")
class GAN(TwoPlayerModel):
    """A GAN whose ``train_step`` performs the lecture's three update steps one after the other.

    1. train D to call real data real;  2. train D to call generated data fake;
    3. update G, through the fixed D, to make D call its samples real.
    Steps 1-2 repeat ``d_steps`` times per batch (the WGAN critic is usually trained more than G).
    The losses are written once (:meth:`discriminator_objective`, :meth:`generator_objective`);
    two optimisers meet in one step, so the gradients are taken by
    :mod:`~deep_unsupervised.autodiff`, with a ``GradientTape`` on TensorFlow and
    ``jax.value_and_grad`` in a stateless step on JAX.

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
        >>> training.fit(gan, x, epochs=10, batch_size=256, compile_kwargs=dict(
        ...     d_optimizer=keras.optimizers.Adam(1e-3),
        ...     g_optimizer=keras.optimizers.Adam(1e-3)))  # doctest: +SKIP
    """

    def __init__(self, generator, discriminator, latent_dim, loss="non_saturating",
                 gp_weight=10.0, d_steps=1, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.generator = _check_net("generator", generator)
        self.discriminator = _check_net("discriminator", discriminator)
        self.latent_dim = check_int("latent_dim", latent_dim, low=1)
        self.loss_name = check_choice("loss", loss, LOSSES)
        self.gp_weight = check_float("gp_weight", gp_weight, low=0)
        self.d_steps = check_int("d_steps", d_steps, low=1)
        self.seed = check_int("seed", seed, low=0)
        names = ["d_real", "d_fake", "g_loss"]
        if self.loss_name == "wasserstein":  # the critic's estimate of W, and the penalty apart
            names += ["w_estimate", "penalty"]
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.built = generator.built and discriminator.built  # functional nets: built already

    def call(self, z, training=False):
        """Generated samples for the codes ``z`` (so that the model can be built and saved)."""
        return self.generator(z, training=training)

    def build(self, input_shape=None):
        self.generator.build((None, self.latent_dim))
        self.discriminator.build(self.generator.output_shape)
        self.built = True

    @property
    def metrics(self):
        return list(self.trackers.values())

    def get_config(self):
        return {**super().get_config(),
                "generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "latent_dim": self.latent_dim, "loss": self.loss_name,
                "gp_weight": self.gp_weight, "d_steps": self.d_steps, "seed": self.seed}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    def sample(self, n, seed=None):
        """``n`` generated samples (inference mode), as a NumPy array."""
        z = keras.random.normal((check_int("n", n, low=1), self.latent_dim), seed=seed)
        return ops.convert_to_numpy(self.generator(z, training=False))

    @property
    def penalty_seed(self):
        """The penalty's interpolation weights come from the model's generator on JAX (a traced
        step needs its own), else from Keras's global one (``None``)."""
        if keras.backend.backend() == "jax":
            return self.seed_generator
        return None

    def _noise(self, batch_size):
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def player_weights(self):
        return self.discriminator.trainable_weights, self.generator.trainable_weights

    # -- the losses, from the networks' outputs (the same code on every backend) -----------------
    def discriminator_objective(self, x_real, x_fake):
        """The loss of steps 1 and 2, ``(total, (loss_real, loss_fake, penalty))``.

        Step 1's loss (real data called real) plus step 2's (fakes called fake), plus the
        weighted gradient penalty for WGAN-GP; the penalty is returned unweighted.
        """
        loss_real = discriminator_real_loss(self.discriminator(x_real, training=True),
                                            self.loss_name)  # step 1
        loss_fake = discriminator_fake_loss(self.discriminator(x_fake, training=True),
                                            self.loss_name)  # step 2
        penalty = ops.zeros(())
        if self.loss_name == "wasserstein" and self.gp_weight > 0:
            penalty = gradient_penalty(self.discriminator, x_real, x_fake, seed=self.penalty_seed)
        return loss_real + loss_fake + self.gp_weight * penalty, (loss_real, loss_fake, penalty)

    def generator_objective(self, z):
        """The loss of step 3, on the discriminator's verdict on the samples ``G(z)``."""
        fakes = self.generator(z, training=True)
        return generator_loss(self.discriminator(fakes, training=True), self.loss_name)

    # -- the three update steps ------------------------------------------------------------------
    def discriminator_step(self, x_real):
        """Update steps 1 and 2: only the discriminator's weights change.

        Both losses are computed on fresh fakes and their gradients summed into one optimiser
        update, as in the reference implementations; ``x_real`` also anchors the penalty.

        Returns:
            ``(loss_real, loss_fake, penalty)``; the penalty (0 unless WGAN-GP) is unweighted.
        """
        x_fake = self.generator(self._noise(ops.shape(x_real)[0]), training=True)
        return self._update(self.d_optimizer, self.discriminator.trainable_weights,
                            lambda: self.discriminator_objective(x_real, x_fake))

    def generator_step(self, batch_size):
        """Update step 3: gradients flow through D, but only the generator's weights change."""
        z = self._noise(batch_size)

        def objective():
            loss = self.generator_objective(z)
            return loss, loss  # (the loss to differentiate, the value to report)

        return self._update(self.g_optimizer, self.generator.trainable_weights, objective)

    @autodiff.any_backend
    def train_step(self, data):
        """Steps 1-2 ``d_steps`` times, then step 3, on one batch of real data."""
        x_real = data[0] if isinstance(data, tuple) else data
        for _ in range(self.d_steps):
            loss_real, loss_fake, penalty = self.discriminator_step(x_real)  # steps 1 and 2
            self.trackers["d_real"].update_state(loss_real)
            self.trackers["d_fake"].update_state(loss_fake)
            if self.loss_name == "wasserstein":  # E f(real) - E f(fake), without the penalty
                self.trackers["w_estimate"].update_state(-(loss_real + loss_fake))
                self.trackers["penalty"].update_state(penalty)
        self.trackers["g_loss"].update_state(self.generator_step(ops.shape(x_real)[0]))  # step 3
        return {m.name: m.result() for m in self.metrics}


# -- builders ------------------------------------------------------------------------------------
def mlp_generator(latent_dim=2, data_dim=2, hidden=(64, 64)):
    """A small fully connected generator for 1-D/2-D toy data (uncompiled)."""
    latent_dim = check_int("latent_dim", latent_dim, low=1)
    data_dim = check_int("data_dim", data_dim, low=1)
    z = keras.Input((latent_dim,))
    h = z
    for units in check_ints("hidden", hidden, low=1):
        h = layers.Dense(units, activation="relu")(h)
    return keras.Model(z, layers.Dense(data_dim)(h), name="generator")


def mlp_discriminator(data_dim=2, hidden=(64, 64)):
    """A small fully connected discriminator (one logit) for toy data (uncompiled)."""
    x = keras.Input((check_int("data_dim", data_dim, low=1),))
    h = x
    for units in check_ints("hidden", hidden, low=1):
        h = layers.LeakyReLU(0.2)(layers.Dense(units)(h))
    return keras.Model(x, layers.Dense(1)(h), name="discriminator")


def dcgan_generator(latent_dim=32, filters=(64, 32)):
    """DCGAN generator for 28x28x1 digits (Radford et al.): project, reshape, two stride-2
    transposed convolutions with batch normalisation and ReLU, sigmoid output in [0, 1]."""
    latent_dim = check_int("latent_dim", latent_dim, low=1)
    filters = check_ints("filters", filters, low=1)
    if len(filters) != 2:
        raise invalid("filters", "two filter counts (7x7 and 14x14 stages)", filters)
    z = keras.Input((latent_dim,))
    h = layers.Dense(7 * 7 * filters[0], use_bias=False)(z)
    h = layers.ReLU()(layers.BatchNormalization()(h))
    h = layers.Reshape((7, 7, filters[0]))(h)
    h = layers.Conv2DTranspose(filters[1], 4, strides=2, padding="same", use_bias=False)(h)
    h = layers.ReLU()(layers.BatchNormalization()(h))  # 14x14
    x = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid")(h)
    return keras.Model(z, x, name="dcgan_generator")


def dcgan_discriminator(filters=(32, 64), dropout=0.0):
    """DCGAN discriminator for 28x28x1 digits: strided convolutions, LeakyReLU(0.2), no pooling.

    No batch normalisation, so the same network can serve as a WGAN-GP critic (the penalty is per
    sample). ``dropout`` after each block slows a discriminator that would otherwise win too
    quickly. The flattened convolutional features are the layer named ``"features"``.
    """
    filters = check_ints("filters", filters, low=1, min_len=1)
    dropout = check_float("dropout", dropout, low=0, high=1, high_inclusive=False)
    x = keras.Input((28, 28, 1))
    h = x
    for f in filters:
        h = layers.LeakyReLU(0.2)(layers.Conv2D(f, 4, strides=2, padding="same")(h))
        if dropout:
            h = layers.Dropout(dropout)(h)
    h = layers.Flatten(name="features")(h)
    return keras.Model(x, layers.Dense(1)(h), name="dcgan_discriminator")
