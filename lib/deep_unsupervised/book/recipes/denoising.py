"""Recipes of chapters/denoising_autoencoders.ipynb: the lecture's denoising convolutional
autoencoder and the same network trained without noise (MNIST), a 2-D denoising autoencoder on a
spiral (Alain and Bengio, 2014), and a small SegNet on generated cell scenes (Badrinarayanan et
al., 2017).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import Recipe, Split, capped, register


@dataclasses.dataclass(frozen=True)
class DenoisingAESettings:
    """The lecture's DAE: Gaussian corruption σ = ``noise_stddev`` as a training-only layer.

    ``noise_stddev=0`` is the plain autoencoder with the same architecture. The test digits are
    corrupted once, with σ = ``test_noise`` and seed ``test_noise_seed``.
    """

    noise_stddev: float = 0.5
    filters: int = 32
    n_train: int = 12_000
    n_test: int = 5_000
    test_noise: float = 0.5
    test_noise_seed: int = 1
    learning_rate: float = 1e-3
    epochs: int = 6
    batch_size: int = 128
    validation_split: float = 0.1
    seed: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class NoisyDigits(Split):
    """Clean training and test digits, and the test digits with the test noise (``x_noisy``)."""

    x_noisy: Any = None


def load_digits(s, limit: int | None = None):
    """The first ``n_train`` training and ``n_test`` test digits, and the noisy test digits."""
    from deep_unsupervised import corruption, data

    mnist = data.load_mnist()
    x_test = mnist.x_test[:capped(s.n_test, limit)]
    return NoisyDigits(
        x_train=mnist.x_train[:capped(s.n_train, limit)], x_test=x_test,
        y_test=mnist.y_test[:len(x_test)],
        x_noisy=corruption.gaussian_noise(x_test, s.test_noise, seed=s.test_noise_seed))


def train_denoiser(s, data, *, callbacks=(), label=None):
    """Fit dec(enc(corrupt(x))) to the *clean* x: inputs and targets are both the clean digits.

    The corruption is the model's first layer, active in training only, so every batch is
    corrupted afresh; the loss compares the reconstruction with the uncorrupted target.
    """
    from deep_unsupervised import denoising
    from deep_unsupervised import STEPS_PER_EXECUTION, ProgressBar, backup, make_optimizer

    name = label or ("denoising" if s.noise_stddev > 0 else "plain")
    clean = data.x_train
    model = denoising.conv_denoising_autoencoder(noise_stddev=s.noise_stddev, filters=s.filters,
                                                 input_shape=clean.shape[1:], name=name)
    model.compile(optimizer=make_optimizer(s.learning_rate), loss="binary_crossentropy",
                  metrics=["mse"], steps_per_execution=STEPS_PER_EXECUTION)
    model.fit(clean, clean, epochs=s.epochs, batch_size=s.batch_size,
              validation_split=s.validation_split, verbose=0,
              callbacks=[*backup(name, model, s.epochs), *callbacks, ProgressBar(name)])
    return model


def evaluate_denoiser(s, model, data) -> dict:
    """Mean test PSNR (dB) of the output for noisy and for clean inputs, and the MSE."""
    import numpy as np

    from deep_unsupervised import corruption

    denoised = model.predict(data.x_noisy, batch_size=500, verbose=0)
    restored = model.predict(data.x_test, batch_size=500, verbose=0)
    quality = {"psnr": corruption.psnr(data.x_test, denoised).mean(),
               "mse": np.mean((data.x_test - denoised) ** 2),
               "psnr_noisy_input": corruption.psnr(data.x_test, data.x_noisy).mean(),
               "psnr_clean_input": corruption.psnr(data.x_test, restored).mean()}
    return {k: float(v) for k, v in quality.items()}


_SOURCE_DAE = ("the lecture's \"Denoising convolutional autoencoder in Keras\" slide (Vincent "
               "et al., 2008), the denoising model of Chollet (2016), https://blog.keras.io/"
               "building-autoencoders-in-keras.html: Gaussian noise σ = 0.5, 32 filters, 100 "
               "epochs at batches of 128. 'full' uses that fit on every training digit (a tenth "
               "held out for validation) and all 10,000 test digits. The book deviates: the "
               "noise is drawn afresh for every batch (the post corrupts the digits once), and "
               "the loss is binary cross-entropy with Adam at 1e-3. 'ci' trains 12,000 digits "
               "for 6 epochs and tests on 5,000.")
_NO_TARGET = "none: no published PSNR for this network"

DENOISING_AE = register(Recipe(
    name="denoising-ae", chapter="denoising_autoencoders",
    primary="psnr", direction="higher",
    description="denoising conv autoencoder (σ = 0.5); test PSNR on noisy test digits",
    presets={"ci": DenoisingAESettings(),
             "full": DenoisingAESettings(n_train=60_000, n_test=10_000, epochs=100)},
    trainer=train_denoiser, loader=load_digits, evaluate=evaluate_denoiser, source=_SOURCE_DAE,
    target=_NO_TARGET))

PLAIN_CONV_AE = register(Recipe(
    name="plain-conv-ae", chapter="denoising_autoencoders",
    primary="psnr", direction="higher",
    description="the same network trained without noise; test PSNR on noisy test digits",
    presets={"ci": DenoisingAESettings(noise_stddev=0.0),
             "full": DenoisingAESettings(noise_stddev=0.0, n_train=60_000, n_test=10_000,
                                         epochs=100)},
    trainer=train_denoiser, loader=load_digits, evaluate=evaluate_denoiser, source=_SOURCE_DAE,
    target=_NO_TARGET))


@dataclasses.dataclass(frozen=True)
class SpiralDAESettings:
    """A 2-D DAE (σ = ``noise_stddev``) on points of the spiral arc, cosine-decayed Adam."""

    n_train: int = 20_000
    n_test: int = 1000
    noise_stddev: float = 0.1
    hidden: tuple = (128, 128)
    learning_rate: float = 3e-3
    epochs: int = 40
    batch_size: int = 256
    n_reference: int = 5000
    seed: int = 0


def load_spiral(s, limit: int | None = None):
    """Training points on the arc, and test points near it (on-curve points plus σ noise)."""
    import numpy as np

    from deep_unsupervised import manifolds

    curve = manifolds.spiral(capped(s.n_train, limit), noise=0.0, seed=0)[0]
    on_curve = manifolds.spiral(capped(s.n_test, limit), noise=0.0, seed=1)[0]
    noise = s.noise_stddev * np.random.default_rng(1).standard_normal(on_curve.shape)
    return Split(x_train=curve, x_test=(on_curve + noise).astype(np.float32))


def train_spiral_dae(s, data, *, callbacks=(), label=None):
    """Fit r(corrupt(x)) to the clean points x with squared error (cosine decay over all steps)."""
    from deep_unsupervised import denoising
    import deep_unsupervised as du

    model = denoising.denoising_mlp(noise_stddev=s.noise_stddev, hidden=s.hidden)
    du.fit(model, data.x_train, data.x_train, epochs=s.epochs, batch_size=s.batch_size,
                 learning_rate=s.learning_rate, schedule="cosine", loss="mse",
                 callbacks=callbacks, label=label or "2-D DAE")
    return model


def evaluate_spiral_dae(s, model, data) -> dict:
    """Distances to the curve before and after r, and agreement with the optimal denoiser."""
    import numpy as np

    from deep_unsupervised import denoising, manifolds

    near = data.x_test
    r_near = model.predict(near, batch_size=1000, verbose=0)
    before, after = manifolds.distance_to_spiral(near), manifolds.distance_to_spiral(r_near)
    band = (before > s.noise_stddev / 2) & (before < 2 * s.noise_stddev)
    field = r_near - near
    optimal = denoising.optimal_denoiser(near, data.x_train[:s.n_reference],
                                         s.noise_stddev) - near
    cosine = np.sum(field * optimal, axis=1) / (np.linalg.norm(field, axis=1)
                                                * np.linalg.norm(optimal, axis=1))
    quality = {"distance_after": after.mean(), "distance_before": before.mean(),
               "fraction_closer": np.mean(after < before),
               "median_cosine": np.median(cosine[band])}
    return {k: float(v) for k, v in quality.items()}


SPIRAL_DAE = register(Recipe(
    name="spiral-dae", chapter="denoising_autoencoders",
    primary="distance_after", direction="lower",
    description="2-D denoising autoencoder on a spiral; distance to the curve after r(x)",
    presets={"ci": SpiralDAESettings(), "full": SpiralDAESettings(epochs=100)},
    trainer=train_spiral_dae, loader=load_spiral, evaluate=evaluate_spiral_dae,
    source="Alain and Bengio (2014), the reconstruction field of a small denoising "
           "autoencoder around a 1-D manifold (a figure, no training recipe to copy); 'full' "
           "trains the same points 100 epochs instead of 40.",
    target="none: the paper shows the field in figures"))


@dataclasses.dataclass(frozen=True)
class SegNetSettings:
    """A two-stage SegNet on generated cell scenes (binary cross-entropy, Adam)."""

    n_train: int = 2000
    n_test: int = 500
    size: int = 32
    filters: tuple = (16, 32)
    learning_rate: float = 3e-3
    epochs: int = 12
    batch_size: int = 64
    seed: int = 0


def load_scenes(s, limit: int | None = None):
    """Training scenes (seed 0) and different test scenes (seed 1), with their masks."""
    from deep_unsupervised import segmentation

    x_train, y_train = segmentation.make_scenes(capped(s.n_train, limit), size=s.size, seed=0)
    x_test, y_test = segmentation.make_scenes(capped(s.n_test, limit), size=s.size, seed=1)
    return Split(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)


def train_segnet(s, data, *, callbacks=(), label=None):
    """Fit the SegNet to the masks; the test scenes' loss is only reported per epoch."""
    from deep_unsupervised import segmentation
    import deep_unsupervised as du

    model = segmentation.segnet(input_shape=data.x_train.shape[1:], filters=s.filters)
    du.fit(model, data.x_train, data.y_train, epochs=s.epochs, batch_size=s.batch_size,
                 learning_rate=s.learning_rate, loss="binary_crossentropy",
                 validation_data=(data.x_test, data.y_test), callbacks=callbacks,
                 label=label or "SegNet")
    return model


def best_threshold(data):
    """The single brightness threshold with the best IoU on the training scenes (no learning)."""
    import numpy as np

    from deep_unsupervised import segmentation

    thresholds = np.linspace(0.2, 0.9, 71)
    ious = [segmentation.iou(data.y_train, data.x_train, t) for t in thresholds]
    return float(thresholds[int(np.argmax(ious))])


def evaluate_segnet(s, model, data) -> dict:
    """Test IoU of the SegNet (pooled and median per scene) and of the best threshold."""
    import numpy as np

    from deep_unsupervised import segmentation

    predicted = model.predict(data.x_test, batch_size=250, verbose=0)
    per_scene = segmentation.iou(data.y_test, predicted, per_image=True)
    quality = {"iou": segmentation.iou(data.y_test, predicted),
               "median_iou_per_scene": np.median(per_scene),
               "iou_best_threshold": segmentation.iou(data.y_test, data.x_test,
                                                      best_threshold(data))}
    return {k: float(v) for k, v in quality.items()}


SEGNET = register(Recipe(
    name="segnet", chapter="denoising_autoencoders",
    primary="iou", direction="higher",
    description="SegNet-style network on generated cell scenes; test IoU",
    presets={"ci": SegNetSettings(), "full": SegNetSettings(n_train=10_000, epochs=30)},
    trainer=train_segnet, loader=load_scenes, evaluate=evaluate_segnet,
    source="Badrinarayanan et al. (2017) at toy scale: two encoder-decoder stages instead of "
           "five, generated 32x32 cell scenes instead of CamVid, so no published setting "
           "applies; 'full' uses 10,000 scenes and 30 epochs ('ci': 2,000 and 12).",
    target="none: generated scenes"))
