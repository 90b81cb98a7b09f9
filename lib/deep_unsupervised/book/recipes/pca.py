"""Recipes of chapters/pca.ipynb: the autoencoder with a one-number code on a 2-D spiral.

PCA with one axis can only put the spiral's points on a line; a small nonlinear autoencoder,
2 → 64 → 64 → 1 → 64 → 64 → 2 with ReLU hidden layers and a linear code and output, fits the
curve itself ("Limitations of PCA"). (The chapter's linear autoencoder on MNIST is the
``linear-ae`` recipe of chapters/autoencoders.ipynb.)
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import Recipe, Split, capped, register


@dataclasses.dataclass(frozen=True)
class SpiralAESettings:
    """Noisy spiral points; the autoencoder's widths; Adam with a cosine decay to zero."""

    n_train: int = 2000
    n_test: int = 1000
    noise: float = 0.01
    hidden: tuple = (64, 64)
    code_dim: int = 1
    learning_rate: float = 5e-3
    epochs: int = 40
    batch_size: int = 100
    seed: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class SpiralPoints(Split):
    """Noisy points of the spiral with the curve parameter ``t`` each was drawn at."""

    t_train: Any = None
    t_test: Any = None


def load_spiral(s, limit: int | None = None):
    """Training points (seed 0) and fresh test points (seed 1) scattered around the spiral."""
    from deep_unsupervised import manifolds

    x_train, t_train = manifolds.spiral(capped(s.n_train, limit), noise=s.noise, seed=0)
    x_test, t_test = manifolds.spiral(capped(s.n_test, limit), noise=s.noise, seed=1)
    return SpiralPoints(x_train=x_train, t_train=t_train, x_test=x_test, t_test=t_test)


def train_spiral_ae(s, data, *, callbacks=(), label=None):
    """The seeded autoencoder, fitted with squared error (Adam, cosine decay over all steps)."""
    from deep_unsupervised import autoencoders
    import deep_unsupervised as du

    model = autoencoders.deep_autoencoder(input_dim=2, hidden=s.hidden, code_dim=s.code_dim,
                                          code_activation=None, output_activation=None)
    du.fit(model, data.x_train, data.x_train, epochs=s.epochs, batch_size=s.batch_size,
                 learning_rate=s.learning_rate, schedule="cosine", loss="mse",
                 callbacks=callbacks, label=label or "spiral autoencoder")
    return model


def evaluate_spiral_ae(s, model, data) -> dict:
    """Test squared error per point, and the mean distance of reconstructions to the curve."""
    import numpy as np

    from deep_unsupervised import manifolds

    x_rec = model.predict(data.x_test, batch_size=1000, verbose=0)
    return {"squared_error": float(np.mean(np.sum((data.x_test - x_rec) ** 2, axis=1))),
            "distance_to_spiral": float(manifolds.distance_to_spiral(x_rec).mean())}


SPIRAL_AE = register(Recipe(
    name="spiral-ae", chapter="pca",
    primary="squared_error", direction="lower",
    description="autoencoder with a 1-D code on a 2-D spiral; test squared error",
    presets={"ci": SpiralAESettings(), "full": SpiralAESettings(n_train=20_000, epochs=100)},
    trainer=train_spiral_ae, loader=load_spiral, evaluate=evaluate_spiral_ae,
    source="the book's own experiment (no published recipe); 'full' uses ten times the "
           "points (20,000) and 100 epochs instead of 40.",
    target="none: the book's own experiment"))
