"""Recipes of chapters/convolutional_networks.ipynb: the small CNN of "Stacking convolutions and
poolings", trained exactly like the ``mlp`` recipe (same digits, epochs and optimiser)."""

from __future__ import annotations

import dataclasses

from . import Recipe, register
from .neural_networks import evaluate_classifier, load_mnist_head


@dataclasses.dataclass(frozen=True)
class CNNSettings:
    """Training digits; filters per block, kernel size, dense width; Adam's step size."""

    n_train: int = 15_000
    filters: tuple = (16, 32)
    kernel_size: int = 3
    dense: int = 64
    learning_rate: float = 1e-3
    epochs: int = 5
    batch_size: int = 128
    seed: int = 0


def train_cnn(s, data, *, callbacks=(), label=None):
    """The seeded CNN (two conv + max-pool blocks, Dense, softmax), trained with Adam."""
    from deep_unsupervised import classifiers

    model = classifiers.small_cnn(filters=s.filters, kernel_size=s.kernel_size, dense=s.dense)
    classifiers.fit(model, data.x_train, data.y_train, epochs=s.epochs,
                    batch_size=s.batch_size, learning_rate=s.learning_rate,
                    callbacks=callbacks, label=label or "CNN")
    return model


CNN = register(Recipe(
    name="cnn", chapter="convolutional_networks",
    primary="accuracy", direction="higher",
    description="small CNN (conv 16, conv 32, dense 64) on 15,000 digits; test accuracy",
    presets={"ci": CNNSettings(), "full": CNNSettings(n_train=60_000, epochs=12)},
    trainer=train_cnn, loader=load_mnist_head, evaluate=evaluate_classifier,
    source="the Keras example 'mnist_cnn' (60,000 digits, 12 epochs, batches of 128, "
           "Adadelta; conv 32 and 64, dense 128, dropout); 'full' uses its data, epochs and "
           "batch size. The book keeps the lecture's widths 16 and 32, a pooling after each "
           "convolution, dense 64 without dropout, and Adam. 'ci' trains 15,000 digits for 5 "
           "epochs.",
    target="99.25 % test accuracy, reported by the Keras 'mnist_cnn' example for its larger "
           "network"))
