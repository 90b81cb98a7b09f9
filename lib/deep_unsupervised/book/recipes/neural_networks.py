"""Recipes of chapters/neural_networks.ipynb: the lecture's small classifiers and the MLP.

* ``four-class-softmax`` and ``four-class-mlp``: the shallow classifier softmax(W x + b) and the
  lecture's 7 -> 7 (ReLU) -> 4 network ("Fully connected layers") on the generated 4-class
  problem, 2,000 of 3,000 points for training and 1,000 held out.
* ``mlp``: 784 -> 256 -> 128 -> 10 with ReLU on 15,000 MNIST digits, scored on the test set
  (chapters/convolutional_networks.ipynb compares the CNN with this same recipe).
"""

from __future__ import annotations

import dataclasses

from . import Recipe, Split, capped, register


@dataclasses.dataclass(frozen=True)
class FourClassSettings:
    """The generated problem (points, split, seed), the hidden layers, Adam's step size."""

    n_points: int = 3000
    n_fit: int = 2000
    data_seed: int = 0
    hidden: tuple = (7,)
    learning_rate: float = 1e-2
    epochs: int = 40
    batch_size: int = 128
    seed: int = 0


def load_four_class(s, limit: int | None = None):
    """The first ``n_fit`` points train, the rest are held out (both capped by ``limit``)."""
    from deep_unsupervised import classifiers

    x, y = classifiers.four_class_problem(n=s.n_points, seed=s.data_seed)
    n_fit = capped(s.n_fit, limit)
    n_held = capped(s.n_points - s.n_fit, limit)
    return Split(x_train=x[:n_fit], y_train=y[:n_fit], x_test=x[s.n_fit:s.n_fit + n_held],
                 y_test=y[s.n_fit:s.n_fit + n_held])


def train_four_class(s, data, *, callbacks=(), label=None):
    """The seeded dense classifier, trained with Adam; held-out data monitored per epoch."""
    from deep_unsupervised import classifiers

    model = classifiers.dense_classifier(hidden=s.hidden)
    classifiers.fit(model, data.x_train, data.y_train, epochs=s.epochs,
                    batch_size=s.batch_size, learning_rate=s.learning_rate,
                    validation_data=(data.x_test, data.y_test), callbacks=callbacks,
                    label=label or f"dense classifier, hidden={s.hidden}")
    return model


def evaluate_classifier(s, model, data) -> dict:
    """Test (held-out) accuracy and cross-entropy of a classifier."""
    loss, accuracy = model.evaluate(data.x_test, data.y_test, batch_size=1000, verbose=0)
    return {"accuracy": float(accuracy), "loss": float(loss)}


FOUR_CLASS_SOFTMAX = register(Recipe(
    name="four-class-softmax", chapter="neural_networks",
    description="the shallow classifier softmax(W x + b) on the 4-class problem; accuracy",
    presets={"ci": FourClassSettings(hidden=()),
             "full": FourClassSettings(hidden=(), n_points=30_000, n_fit=20_000)},
    trainer=train_four_class, loader=load_four_class, evaluate=evaluate_classifier,
    source="the lecture's slide 'Back in business'; a generated problem with no published "
           "setting ('full': ten times the points).",
    target="none: generated data"))

FOUR_CLASS_MLP = register(Recipe(
    name="four-class-mlp", chapter="neural_networks",
    primary="accuracy", direction="higher",
    description="the lecture's 7-7-4 ReLU network on the generated 4-class problem; accuracy",
    presets={"ci": FourClassSettings(),
             "full": FourClassSettings(n_points=30_000, n_fit=20_000)},
    trainer=train_four_class, loader=load_four_class, evaluate=evaluate_classifier,
    source="the lecture's slide 'Fully connected layers'; a generated problem with no "
           "published setting ('full': ten times the points).",
    target="none: generated data"))


@dataclasses.dataclass(frozen=True)
class MLPSettings:
    """Training digits, hidden widths, dropout, Adam's step size."""

    n_train: int = 15_000
    hidden: tuple = (256, 128)
    dropout: float = 0.0
    learning_rate: float = 1e-3
    epochs: int = 5
    batch_size: int = 128
    seed: int = 0


def load_mnist_head(s, limit: int | None = None):
    """The first ``n_train`` training digits (28x28x1) and the test digits."""
    from deep_unsupervised import data as D

    mnist = D.load_mnist()
    n = capped(s.n_train, limit)
    return Split(x_train=mnist.x_train[:n], y_train=mnist.y_train[:n],
                                 x_test=mnist.x_test[:limit], y_test=mnist.y_test[:limit])


def train_mlp(s, data, *, callbacks=(), label=None):
    """The seeded MLP (ReLU, Glorot), trained with Adam."""
    import keras

    from deep_unsupervised import classifiers

    from deep_unsupervised import STEPS_PER_EXECUTION, ProgressBar, backup

    model = classifiers.mlp(hidden=s.hidden, dropout=s.dropout)
    model.compile(optimizer=keras.optimizers.Adam(s.learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=STEPS_PER_EXECUTION)
    label = label or "MLP"
    model.fit(data.x_train, data.y_train, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
              callbacks=[ProgressBar(label), *backup(label, model, s.epochs), *callbacks])
    return model


MLP = register(Recipe(
    name="mlp", chapter="neural_networks",
    primary="accuracy", direction="higher",
    description="MLP 784-256-128-10 (ReLU) on 15,000 digits; test accuracy",
    presets={"ci": MLPSettings(), "full": MLPSettings(n_train=60_000, epochs=20)},
    trainer=train_mlp, loader=load_mnist_head, evaluate=evaluate_classifier,
    source="the Keras example 'mnist_mlp' (60,000 digits, 20 epochs, batches of 128, "
           "RMSprop, 512-512 with dropout 0.2); 'full' uses its data, epochs and batch size. The "
           "book keeps the lecture-sized 256-128 without dropout and Adam. 'ci' trains 15,000 "
           "digits for 5 epochs.",
    target="98.40 % test accuracy, reported by the Keras 'mnist_mlp' example for its larger "
           "512-512 network with dropout"))
