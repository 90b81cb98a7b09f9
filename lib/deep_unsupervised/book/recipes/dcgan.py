"""Recipes of chapters/dcgan.ipynb: DCGAN (Radford et al., 2016) and WGAN-GP (Gulrajani et al.,
2017) on digits, the convolutional VAE they are compared with, and a CPU-sized CycleGAN (Zhu et
al., 2017) between thin and thick strokes.

Sample quality is the chapter's Fréchet distance: ``n_samples`` samples against the first test
digits, in the features of a small digit classifier trained on the training digits that follow
the GANs' (:class:`FrechetSettings`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import Recipe, Split, capped, register


@dataclasses.dataclass(frozen=True)
class FrechetSettings:
    """The feature classifier of the Fréchet distance and the sample sizes."""

    classifier_start: int = 8000
    classifier_n: int = 10_000
    classifier_epochs: int = 2
    classifier_batch_size: int = 128
    classifier_seed: int = 0
    n_samples: int = 2000
    sample_seed: int = 1


FRECHET = FrechetSettings()


@dataclasses.dataclass(frozen=True)
class DCGANSettings:
    """``gan.dcgan_generator``/``gan.dcgan_discriminator`` trained as a GAN on ``n_train`` digits.

    Each player has its own Adam(β1 = ``beta_1``, β2 = ``beta_2``) with its own rate
    (``d_lr``, ``g_lr``); ``d_steps`` discriminator steps per generator step.
    """

    n_train: int = 8000
    latent_dim: int = 32
    loss: str = "non_saturating"
    d_lr: float = 2e-4
    g_lr: float = 1e-3
    beta_1: float = 0.5
    beta_2: float = 0.9
    d_steps: int = 1
    gp_weight: float = 10.0
    epochs: int = 5
    batch_size: int = 128
    seed: int = 0


@dataclasses.dataclass(frozen=True)
class ConvVAESettings:
    """``vae.conv_encoder``/``vae.conv_decoder`` with ``latent_dim`` latents, Adam."""

    n_train: int = 8000
    latent_dim: int = 16
    learning_rate: float = 1e-3
    epochs: int = 5
    batch_size: int = 128
    seed: int = 0


@dataclasses.dataclass(frozen=True)
class CycleGANSettings:
    """Domain A: ``n_domain`` digits; B: the next ``n_domain`` digits, thickened (unpaired)."""

    n_domain: int = 3000
    thicken_size: int = 3
    shuffle_seed: int = 0
    cycle_weight: float = 10.0
    identity_weight: float = 0.0
    learning_rate: float = 1e-3
    beta_1: float = 0.5
    epochs: int = 6
    batch_size: int = 64
    n_test: int = 1000
    seed: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class FrechetDigits(Split):
    """Training and test digits, with all of MNIST (``mnist``) for the Fréchet distance's
    feature classifier and its real-digit floor, and the ``limit`` they were loaded with."""

    mnist: Any = None
    limit: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class Domains(Split):
    """Thin digits (domain A, also ``x_train``) and thick ones (B), unpaired, batched in
    ``pairs``; ``x_test`` are test digits."""

    domain_a: Any = None
    domain_b: Any = None
    pairs: Any = None


def load_digits(s, limit=None):
    """MNIST, with the first ``n_train`` training digits as ``x_train`` and the test digits."""
    from deep_unsupervised import data

    mnist = data.load_mnist()
    n_train = getattr(s, "n_train", getattr(s, "n_domain", 0))
    return FrechetDigits(mnist=mnist, x_train=mnist.x_train[:capped(n_train, limit)],
                         x_test=mnist.x_test[:capped(FRECHET.n_samples, limit)], limit=limit)


def train_gan(s, data, *, callbacks=(), label=None):
    """The GAN of the settings, fitted on ``data.x_train``; returns the ``gan.GAN``."""
    from deep_unsupervised import autodiff, gan
    from deep_unsupervised import STEPS_PER_EXECUTION, ProgressBar, backup, make_optimizer

    model = gan.GAN(gan.dcgan_generator(latent_dim=s.latent_dim), gan.dcgan_discriminator(),
                    latent_dim=s.latent_dim, loss=s.loss, d_steps=s.d_steps,
                    gp_weight=s.gp_weight, seed=s.seed)
    model.compile(d_optimizer=make_optimizer(s.d_lr, beta_1=s.beta_1, beta_2=s.beta_2),
                  g_optimizer=make_optimizer(s.g_lr, beta_1=s.beta_1, beta_2=s.beta_2),
                  steps_per_execution=STEPS_PER_EXECUTION)
    label = label or s.loss
    # back-propagating through the conv discriminator into G trips grappler's remapper
    with autodiff.remapper_disabled():
        model.fit(data.x_train, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
                  callbacks=[ProgressBar(label), *backup(label, model, s.epochs), *callbacks])
    return model


def train_feature_classifier(data, f=FRECHET):
    """The Fréchet distance's feature extractor and its classifier's test accuracy."""
    import keras

    from deep_unsupervised import metrics
    import deep_unsupervised as du

    mnist = data.mnist
    start = capped(f.classifier_start, data.limit)
    stop = start + capped(f.classifier_n, data.limit)
    keras.utils.set_random_seed(f.classifier_seed)
    classifier = metrics.mnist_classifier()
    du.fit(classifier, mnist.x_train[start:stop], mnist.y_train[start:stop],
                 epochs=f.classifier_epochs, batch_size=f.classifier_batch_size,
                 loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                 label="feature classifier")
    accuracy = classifier.evaluate(mnist.x_test, mnist.y_test, verbose=0)[1]
    return metrics.feature_extractor(classifier), float(accuracy)


def frechet_quality(samples, data, f=FRECHET, scorer=None) -> dict:
    """Fréchet distance of ``samples`` to the test digits, with the real-digit floor for scale.

    ``scorer``: the ``(features, accuracy)`` of :func:`train_feature_classifier`, to score
    several models with one classifier; trained here when ``None`` (it is seeded, so every call
    trains the same one).
    """
    from deep_unsupervised import metrics

    features, accuracy = scorer or train_feature_classifier(data, f)
    n = len(data.x_test)
    reference = data.x_test
    return {"frechet_distance": metrics.frechet_feature_distance(features, reference,
                                                                 samples[:n]),
            "frechet_real_floor": metrics.frechet_feature_distance(
                features, reference, data.mnist.x_train[-n:]),
            "feature_classifier_accuracy": accuracy}


def evaluate_gan(s, model, data, scorer=None) -> dict:
    """:func:`frechet_quality` of ``len(data.x_test)`` samples (seed ``FRECHET.sample_seed``)."""
    return frechet_quality(model.sample(len(data.x_test), seed=FRECHET.sample_seed), data,
                           scorer=scorer)


def train_conv_vae(s, data, *, callbacks=(), label=None):
    """The convolutional VAE baseline (``deep_unsupervised.vae``), fitted on ``data.x_train``."""
    import deep_unsupervised as du
    from deep_unsupervised import vae as V

    model = V.VAE(V.conv_encoder(latent_dim=s.latent_dim),
                  V.conv_decoder(latent_dim=s.latent_dim), seed=s.seed)
    du.fit(model, data.x_train, epochs=s.epochs, batch_size=s.batch_size,
                 learning_rate=s.learning_rate, label=label or "VAE", callbacks=callbacks)
    return model


def vae_samples(s, model, n):
    """``n`` images decoded from prior codes (NumPy seed ``FRECHET.sample_seed``)."""
    import numpy as np

    codes = np.random.default_rng(FRECHET.sample_seed).standard_normal((n, s.latent_dim))
    return model.decoder.predict(codes, verbose=0)


def evaluate_conv_vae(s, model, data) -> dict:
    return frechet_quality(vae_samples(s, model, len(data.x_test)), data)


def load_domains(s, limit=None):
    """Unpaired batches of thin (A) and thick (B) digits, and the test digits."""
    import tensorflow as tf  # the unpaired input pipeline

    from deep_unsupervised import cyclegan, data

    mnist = data.load_mnist()
    n = min(s.n_domain, len(mnist.x_train) // 2)  # two disjoint halves at most
    n = capped(n, limit)
    domain_a = mnist.x_train[:n]
    domain_b = cyclegan.thicken_strokes(mnist.x_train[n:2 * n], size=s.thicken_size)
    pairs = tf.data.Dataset.from_tensor_slices((domain_a, domain_b)).shuffle(
        n, seed=s.shuffle_seed).batch(s.batch_size)
    n_test = capped(s.n_test, limit)
    return Domains(domain_a=domain_a, domain_b=domain_b, pairs=pairs, x_train=domain_a,
                   x_test=mnist.x_test[:n_test])


def train_cyclegan(s, data, *, callbacks=(), label=None):
    """The CycleGAN of the settings on ``data.pairs``; returns the ``cyclegan.CycleGAN``."""
    from deep_unsupervised import cyclegan
    import deep_unsupervised as du

    model = cyclegan.CycleGAN(cyclegan.translator(), cyclegan.translator(),
                              cyclegan.patch_discriminator(), cyclegan.patch_discriminator(),
                              cycle_weight=s.cycle_weight, identity_weight=s.identity_weight)
    optimizers = {f"{p}_optimizer": du.make_optimizer(s.learning_rate, beta_1=s.beta_1)
                  for p in "dg"}
    from deep_unsupervised.autodiff import remapper_disabled

    with remapper_disabled():  # the translators' loss differentiates through conv + LeakyReLU
        du.fit(model, data.pairs, epochs=s.epochs, compile_kwargs=optimizers,
                     label=label or "CycleGAN", callbacks=callbacks)
    return model


def evaluate_cyclegan(s, model, data) -> dict:
    from deep_unsupervised import cyclegan

    return cyclegan.translation_errors(model, data.x_test, size=s.thicken_size)


_DCGAN_SOURCE = (
    "Radford et al. (2016), section 4: Adam with rate 2e-4 and β1 = 0.5 for both players, "
    "mini-batches of 128, a 100-D uniform code; the authors' code trains 25 epochs. 'full' "
    "uses those settings on every training digit. The book deviates: 28x28 networks with two "
    "stride-2 stages (the paper: 64x64 with four) and a Gaussian code. 'ci' trains 8,000 "
    "digits for 5 epochs with a 32-D code, G's rate 1e-3 and β2 = 0.9.")
_NO_GAN_TARGET = "none: no published Fréchet distance in the book's digit-classifier features"
DCGAN = register(Recipe(
    name="dcgan", chapter="dcgan",
    primary="frechet_distance", direction="lower",
    description="DCGAN on 8,000 digits; Fréchet distance in classifier features",
    presets={"ci": DCGANSettings(),
             "full": DCGANSettings(n_train=60_000, latent_dim=100, g_lr=2e-4, beta_2=0.999,
                                   epochs=25)},
    trainer=train_gan, loader=load_digits, evaluate=evaluate_gan, source=_DCGAN_SOURCE,
    target=_NO_GAN_TARGET))
_WGAN = DCGANSettings(loss="wasserstein", d_lr=5e-4, g_lr=5e-4, d_steps=2)
WGAN_GP = register(Recipe(
    name="wgan-gp", chapter="dcgan",
    primary="frechet_distance", direction="lower",
    description="WGAN-GP with the DCGAN networks on 8,000 digits; Fréchet distance",
    presets={"ci": _WGAN, "full": dataclasses.replace(
        _WGAN, n_train=60_000, latent_dim=128, d_lr=1e-4, g_lr=1e-4, beta_1=0.0, beta_2=0.9,
        d_steps=5, gp_weight=10.0, batch_size=50, epochs=167)},
    trainer=train_gan, loader=load_digits, evaluate=evaluate_gan,
    source="Gulrajani et al. (2017), algorithm 1: λ = 10, five critic steps per generator "
           "step, Adam with rate 1e-4, β1 = 0, β2 = 0.9; the authors' MNIST script "
           "(gan_mnist.py) uses a 128-D code, batches of 50 and 200,000 generator steps "
           "(167 epochs of 60,000), but β1 = 0.5. The book deviates: the DCGAN networks "
           "above, and the critic's five steps reuse one batch of real digits (the script "
           "draws a new one for each). 'ci' trains 8,000 digits for 5 epochs with two "
           "critic steps, λ = 10, rates 5e-4 and β1 = 0.5.",
    target=_NO_GAN_TARGET))
CONV_VAE_16 = register(Recipe(
    name="conv-vae-16", chapter="dcgan",
    primary="frechet_distance", direction="lower",
    description="conv VAE (16 latents), the GAN chapter's baseline; Fréchet distance",
    presets={"ci": ConvVAESettings(), "full": ConvVAESettings(n_train=60_000, epochs=30)},
    trainer=train_conv_vae, loader=load_digits, evaluate=evaluate_conv_vae,
    source="Chollet (2020), https://keras.io/examples/generative/vae/: its convolutional "
           "networks, Adam at the default rate, 30 epochs at batches of 128 ('full', on every "
           "training digit). The book deviates: a 16-D code (the example: 2) and grey-level "
           "digits without the test digits. 'ci' trains 8,000 digits for 5 epochs.",
    target=_NO_GAN_TARGET))
CYCLEGAN = register(Recipe(
    name="cyclegan", chapter="dcgan",
    primary="mse_ab", direction="lower",
    description="CycleGAN between thin and thick strokes; test MSE of the translation",
    presets={"ci": CycleGANSettings(),
             "full": CycleGANSettings(n_domain=30_000, identity_weight=5.0,
                                      learning_rate=2e-4, epochs=200)},
    trainer=train_cyclegan, loader=load_domains, evaluate=evaluate_cyclegan,
    source="Zhu et al. (2017): least-squares losses, λ = 10, identity "
           "weight 0.5 λ, Adam with rate 2e-4 and β1 = 0.5, 200 epochs. 'full' uses those on "
           "two halves of the training digits (at most 30,000 each; 11,349 in the offline copy)."
           " The book deviates: the domains are thin and thickened MNIST strokes (the paper: "
           "photographs), small translators (the paper: a 9-block ResNet), batches of 64 (the "
           "paper: 1) and a constant rate (the paper: linear decay over the last 100 epochs). "
           "'ci' trains 3,000 digits per domain for 6 epochs at rate 1e-3 without identity loss.",
    target="none: the book's own translation task"))
