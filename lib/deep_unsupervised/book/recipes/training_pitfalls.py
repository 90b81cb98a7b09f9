"""Recipes of chapters/training_pitfalls.ipynb: overfitting 500 digits, and the initialisers.

* ``mlp-500`` and ``mlp-dropout-500``: an MLP 784-512-256-10 trained for 60 epochs on only 500
  digits (50 per class), without and with dropout 0.5; the last 2,000 training digits are the
  validation set ("Beware of overfitting!").
* ``initialisation``: one deep network (six hidden layers of 64 units), built with ReLU and with
  sigmoid units, each started from four initialisers (zeros, a huge normal, Glorot, He); the
  signals at initialisation and the test accuracy after five epochs ("(In)appropriate
  initialisers", Glorot & Bengio, 2010; He et al., 2015).
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any

from . import Recipe, Split, capped, register
from .neural_networks import evaluate_classifier


@dataclasses.dataclass(frozen=True)
class OverfitSettings:
    """A tiny labelled set (per class), the validation digits, the MLP and its training."""

    per_class: int = 50
    n_val: int = 2000
    subset_seed: int = 0
    hidden: tuple = (512, 256)
    dropout: float = 0.0
    learning_rate: float = 1e-3
    epochs: int = 60
    batch_size: int = 128
    seed: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class SmallLabelled(Split):
    """A few labelled digits (their ``indices`` in the pool of the first ``n_pool``) and the
    validation digits after the pool."""

    indices: Any = None
    n_pool: int = 0


def load_small_labelled(s, limit: int | None = None):
    """``per_class`` digits per class from the training pool; the last ``n_val`` validate."""
    from deep_unsupervised import data as D

    mnist = D.load_mnist()
    n_val = capped(s.n_val, limit)
    per_class = s.per_class if limit is None else max(1, min(s.per_class, limit // 10))
    n_pool = len(mnist.y_train) - n_val
    small = D.stratified_subset(mnist.y_train[:n_pool], per_class=per_class, seed=s.subset_seed)
    return SmallLabelled(
        x_train=mnist.x_train[small], y_train=mnist.y_train[small], indices=small,
        x_val=mnist.x_train[n_pool:], y_val=mnist.y_train[n_pool:], n_pool=n_pool,
        x_test=mnist.x_test[:limit], y_test=mnist.y_test[:limit])


def train_overfit(s, data, *, callbacks=(), label=None):
    """The seeded MLP (with ``dropout`` after each hidden layer), validation loss per epoch.

    The returned model's ``history.history`` holds the per-epoch curves.
    """
    from deep_unsupervised import classifiers

    model = classifiers.mlp(hidden=s.hidden, dropout=s.dropout)
    classifiers.fit(model, data.x_train, data.y_train, epochs=s.epochs,
                    batch_size=s.batch_size, learning_rate=s.learning_rate,
                    validation_data=(data.x_val, data.y_val), callbacks=callbacks,
                    label=label or f"MLP, dropout {s.dropout}")
    return model


def evaluate_overfit(s, model, data) -> dict:
    """Test accuracy and loss, with the last and the lowest validation loss of training."""
    history = model.history.history
    return {**evaluate_classifier(s, model, data),
            "val_accuracy": float(history["val_accuracy"][-1]),
            "val_loss": float(history["val_loss"][-1]),
            "best_val_loss": float(min(history["val_loss"]))}


_OVERFIT_SOURCE = ("the lecture's 'Beware of overfitting!'; dropout 0.5 as in Srivastava et "
                   "al. (2014), whose MNIST nets train on 60,000 digits. 'full' keeps the 500 "
                   "labelled digits, the point of the experiment, and trains 200 epochs "
                   "instead of 60 so that the validation curves settle; no published setting "
                   "applies.")

MLP_500 = register(Recipe(
    name="mlp-500", chapter="training_pitfalls",
    description="MLP 784-512-256-10 without regularisation on only 500 digits; test accuracy",
    presets={"ci": OverfitSettings(), "full": OverfitSettings(epochs=200)},
    trainer=train_overfit, loader=load_small_labelled, evaluate=evaluate_overfit,
    source=_OVERFIT_SOURCE, target="none: 500 labels, no published figure"))

MLP_DROPOUT_500 = register(Recipe(
    name="mlp-dropout-500", chapter="training_pitfalls",
    primary="accuracy", direction="higher",
    description="MLP 784-512-256-10 with dropout 0.5 on only 500 digits; test accuracy",
    presets={"ci": OverfitSettings(dropout=0.5),
             "full": OverfitSettings(dropout=0.5, epochs=200)},
    trainer=train_overfit, loader=load_small_labelled, evaluate=evaluate_overfit,
    source=_OVERFIT_SOURCE, target="none: 500 labels, no published figure"))


@dataclasses.dataclass(frozen=True)
class InitialisationSettings:
    """The network (hidden widths), the activations and initialisers compared, training."""

    n_train: int = 10_000
    hidden: tuple = (64, 64, 64, 64, 64, 64)
    activations: tuple = ("relu", "sigmoid")
    initialisers: tuple = ("zeros", "huge_normal", "glorot_uniform", "he_normal")
    huge_std: float = 1.0
    n_probe: int = 512
    learning_rate: float = 1e-3
    epochs: int = 5
    batch_size: int = 128
    seed: int = 0


def load_initialisation_data(s, limit: int | None = None):
    """The first ``n_train`` training digits and the test digits."""
    from deep_unsupervised import data as D

    mnist = D.load_mnist()
    n = capped(s.n_train, limit)
    return Split(x_train=mnist.x_train[:n], y_train=mnist.y_train[:n],
                                 x_test=mnist.x_test[:limit], y_test=mnist.y_test[:limit])


def _initializer(s, name: str):
    """A Keras initializer; unseeded, so that every layer draws its own weights from the
    global seed (a seeded instance would give same-shaped layers identical kernels)."""
    import keras

    if name == "huge_normal":
        return keras.initializers.RandomNormal(stddev=s.huge_std)
    return name


def hidden_signals(model, x) -> dict:
    """Per hidden Dense layer: the fraction of outputs that are exactly 0, and the fraction of
    sigmoid-like outputs so close to 0 or 1 that the slope h(1 - h) is below 0.01."""
    import numpy as np

    from deep_unsupervised.inspection import layer_outputs

    names = [layer.name for layer in model.layers if layer.name.startswith("dense_")]
    outs = layer_outputs(model, x, names)
    return {"zero_fraction": np.array([np.mean(h == 0) for h in outs.values()]),
            "flat_fraction": np.array([np.mean(h * (1 - h) < 0.01) for h in outs.values()])}


def unit_spread(model) -> dict:
    """Largest weight, and largest difference between two units' incoming weights, per layer."""
    import numpy as np

    kernels = [layer.kernel.numpy() for layer in model.layers
               if layer.name.startswith("dense_")]
    return {"largest_weight": np.array([np.abs(k).max() for k in kernels]),
            "unit_spread": np.array([np.abs(k - k[:, :1]).max() for k in kernels])}


def train_initialisation_study(s, data, *, callbacks=(), label=None):
    """Every activation x initialiser: signals at initialisation, then five epochs of Adam.

    Returns:
        dict ``(activation, initialiser) -> namespace`` with ``stats`` (per-layer activation
        and gradient std, :func:`inspection.signal_statistics`), ``signals`` (at
        initialisation, :func:`hidden_signals`), ``losses`` (per epoch), ``spread`` (after
        training, :func:`unit_spread`) and ``accuracy`` (test).
    """
    import keras

    from deep_unsupervised import classifiers, inspection

    x_probe, y_probe = data.x_train[:s.n_probe], data.y_train[:s.n_probe]
    results = {}
    for activation in s.activations:
        for name in s.initialisers:
            keras.utils.set_random_seed(s.seed)
            model = classifiers.mlp(hidden=s.hidden, activation=activation,
                                    kernel_initializer=_initializer(s, name))
            stats = inspection.signal_statistics(model, x_probe, y_probe)
            signals = hidden_signals(model, x_probe)
            history = classifiers.fit(model, data.x_train, data.y_train, epochs=s.epochs,
                                      batch_size=s.batch_size, learning_rate=s.learning_rate,
                                      callbacks=callbacks, label=f"{activation}, {name}")
            accuracy = model.evaluate(data.x_test, data.y_test, batch_size=1000, verbose=0)[1]
            results[activation, name] = types.SimpleNamespace(
                stats=stats, signals=signals, losses=history.history["loss"],
                spread=unit_spread(model), accuracy=float(accuracy))
    return results


def evaluate_initialisation_study(s, results, data) -> dict:
    """Test accuracy of every activation/initialiser pair."""
    return {f"{a}/{i}": r.accuracy for (a, i), r in results.items()}


INITIALISATION = register(Recipe(
    name="initialisation", chapter="training_pitfalls",
    description="six-layer MLP, ReLU and sigmoid, four initialisers; test accuracy",
    presets={"ci": InitialisationSettings(),
             "full": InitialisationSettings(n_train=60_000, hidden=(1000,) * 5, epochs=20,
                                            batch_size=10)},
    trainer=train_initialisation_study, loader=load_initialisation_data,
    evaluate=evaluate_initialisation_study,
    source="Glorot & Bengio (2010): five hidden layers of 1,000 units, "
           "mini-batches of 10; He et al. (2015) derive the ReLU initialiser. 'full' trains "
           "that network shape (replacing six layers of 64) on every training digit for 20 "
           "epochs at batches of 10. The book deviates: Adam (the paper: plain SGD) and MNIST "
           "(the paper mainly Shapeset-3x2). 'ci' trains 10,000 digits for 5 epochs at batches "
           "of 128.",
    target="none: the papers compare curves, not an MNIST figure for this network"))


def initial_network(s, activation: str, initialiser: str):
    """The untrained network that :func:`train_initialisation_study` starts from for this
    activation and initialiser (same seed, same weights), for measurements at initialisation."""
    import keras

    from deep_unsupervised import classifiers

    keras.utils.set_random_seed(s.seed)
    return classifiers.mlp(hidden=s.hidden, activation=activation,
                           kernel_initializer=_initializer(s, initialiser))
