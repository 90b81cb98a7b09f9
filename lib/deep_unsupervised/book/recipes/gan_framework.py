"""Recipes of chapters/gan_framework.ipynb: small GANs on 2-D mixtures of Gaussians, trained with
the minimax, the non-saturating and the Wasserstein (WGAN-GP) loss, scored by modes covered and
the fraction of good samples over several seeds (the scores of Srivastava et al., 2017, on
the ring of Metz et al., 2017).

Two data sets: the ring of 8 Gaussians with σ = 0.1 that the chapter trains, and the 5 x 5 grid of
Gaussians with σ = 0.05 (Srivastava et al., 2017) that the benchmark trains for longer.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import Recipe, Split, capped, register


@dataclasses.dataclass(frozen=True)
class ToyGANSettings:
    """An MLP GAN on a 2-D mixture; one run per seed in ``seeds``.

    ``data`` is ``"ring"`` (``modes`` centres on a circle of ``radius``) or ``"grid"`` (a
    ``side x side`` grid with ``spacing``); every mode has standard deviation ``std``. Both
    players use Adam(``learning_rate``, β1 = 0.5, β2 = 0.9); ``d_steps`` critic steps per
    generator step; ``gp_weight`` only for ``loss="wasserstein"``. Coverage is measured on
    ``n_samples`` samples after every epoch.
    """

    data: str = "ring"
    modes: int = 8
    radius: float = 2.0
    side: int = 5
    spacing: float = 2.0
    std: float = 0.1
    n_train: int = 10_000
    loss: str = "non_saturating"
    latent_dim: int = 4
    hidden: tuple = (64, 64)
    learning_rate: float = 2e-3
    beta_1: float = 0.5       # Adam's first-moment decay (beta_2 is 0.9)
    d_steps: int = 1
    gp_weight: float = 1.0
    epochs: int = 15
    batch_size: int = 256
    n_samples: int = 2000
    seeds: tuple = (0, 1, 2)


def centres(s):
    """The mode centres of the settings' mixture, ``(k, 2)``."""
    from deep_unsupervised import divergences as dv

    if s.data == "grid":
        return dv.grid_centres(s.side, s.spacing)
    return dv.ring_centres(s.modes, s.radius)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Mixture(Split):
    """Points of a Gaussian mixture (``x_train``) and the mixture's ``centres``."""

    centres: Any = None


def load_mixture(s, limit=None):
    """``n_train`` points of the mixture (data seed 0) and its centres."""
    from deep_unsupervised import divergences as dv

    n = capped(s.n_train, limit)
    return Mixture(x_train=dv.gaussian_mixture(n, centres(s), s.std, seed=0), centres=centres(s))


def train_toy_gan(s, data, *, callbacks=(), label=None):
    """One GAN per seed; returns ``[(model, coverage), ...]``, coverage ``(epochs, 2)`` per run.

    ``coverage[e]`` is (modes covered, fraction of good samples) after epoch ``e + 1``.
    """
    import keras
    import numpy as np

    from deep_unsupervised import divergences as dv
    from deep_unsupervised import gan
    from deep_unsupervised import STEPS_PER_EXECUTION, ProgressBar, backup, make_optimizer

    class Coverage(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.history = []

        def on_epoch_end(self, epoch, logs=None):
            samples = self.model.sample(s.n_samples, seed=1)
            self.history.append(dv.modes_covered(samples, std=s.std, centres=data.centres))

    runs = []
    for seed in s.seeds:
        keras.utils.set_random_seed(seed)
        model = gan.GAN(gan.mlp_generator(s.latent_dim, hidden=s.hidden),
                        gan.mlp_discriminator(hidden=s.hidden), latent_dim=s.latent_dim,
                        loss=s.loss, d_steps=s.d_steps, gp_weight=s.gp_weight, seed=seed)
        model.compile(d_optimizer=make_optimizer(s.learning_rate, beta_1=s.beta_1, beta_2=0.9),
                      g_optimizer=make_optimizer(s.learning_rate, beta_1=s.beta_1, beta_2=0.9),
                      steps_per_execution=STEPS_PER_EXECUTION)
        coverage, run_label = Coverage(), f"{label or s.loss}, seed {seed}"
        model.fit(data.x_train, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
                  callbacks=[coverage, ProgressBar(run_label),
                             *backup(run_label, model, s.epochs), *callbacks])
        runs.append((model, np.array(coverage.history)))
    return runs


def evaluate_coverage(s, runs, data=None) -> dict:
    """Mean and standard deviation over seeds of the final modes covered and good fraction."""
    import numpy as np

    final = np.array([coverage[-1] for _, coverage in runs], dtype=float)
    return {"modes_mean": float(final[:, 0].mean()), "modes_sd": float(final[:, 0].std()),
            "modes_min": float(final[:, 0].min()), "good_mean": float(final[:, 1].mean()),
            "good_sd": float(final[:, 1].std()), "n_modes": len(data.centres)}


_RING = ToyGANSettings()
_GRID = ToyGANSettings(data="grid", std=0.05, epochs=150)
_SOURCE = ("Metz et al. (2017), section 3.1 and appendix: 8 modes on a ring of radius 2 with "
           "σ = 0.02, MLP players with two hidden layers of 128 ReLU units, a 256-D code, Adam "
           "with rate 1e-4 and β1 = 0.5, batches of 512, about 25,000 steps; the 5 x 5 grid "
           "with σ = 0.05 follows Srivastava et al. (2017). 'full' uses those settings (25,088 "
           "steps: 128 epochs of 100,000 points drawn once) over ten seeds, keeping each "
           "variant's loss, critic steps and λ (and WGAN-GP's own rate and β1 = 0 for "
           "'wgan-gp-paper'). The book deviates: β2 = 0.9 and a fixed sample of points. 'ci' "
           "uses σ = 0.1 on the ring, 64-64 players, a 4-D code, rate 2e-3, batches of 256, "
           "600 steps on the ring (6,000 on the grid) and three seeds.")
_TARGET = "none: the book's coverage protocol; Metz et al. (2017) show the ring only in figures"
_VARIANTS = {  # name: (description, changes to the settings)
    "minimax": ("GAN with the minimax generator loss", dict(loss="minimax")),
    "ns": ("GAN with the non-saturating generator loss", dict(loss="non_saturating")),
    "wgan-gp": ("WGAN-GP (λ = 1, two critic steps)",
                dict(loss="wasserstein", d_steps=2, gp_weight=1.0)),
    # Gulrajani et al. (2017)'s own setting: λ = 10, five critic steps per generator step,
    # Adam with learning rate 1e-4, beta_1 = 0 and beta_2 = 0.9
    "wgan-gp-paper": ("WGAN-GP with the paper's λ = 10, five critic steps and Adam(1e-4, 0, 0.9)",
                      dict(loss="wasserstein", d_steps=5, gp_weight=10.0, learning_rate=1e-4,
                           beta_1=0.0)),
}
for _data, _base in (("ring", _RING), ("grid", _GRID)):  # the benchmarks' order: rings first
    for _key, (_text, _changes) in _VARIANTS.items():
        if (_key, _data) in (("minimax", "grid"), ("wgan-gp-paper", "ring")):
            continue
        _ci = dataclasses.replace(_base, **_changes)
        register(Recipe(
            name=f"toy-{_key}-{_data}", chapter="gan_framework",
            description=f"{_text} on the {_data} of Gaussians; modes covered over 3 seeds",
            presets={"ci": _ci, "full": dataclasses.replace(
                _ci, std=0.02 if _data == "ring" else 0.05, n_train=100_000, hidden=(128, 128),
                latent_dim=256, learning_rate=1e-4, batch_size=512, epochs=128,
                seeds=tuple(range(10)))},
            trainer=train_toy_gan, loader=load_mixture, evaluate=evaluate_coverage, source=_SOURCE,
            target=_TARGET, primary="modes_mean", direction="higher"))
