"""Recipes of chapters/autoencoders.ipynb: PCA and the lecture's linear, deep, deep(er) and
convolutional autoencoders on MNIST, and the published recipes of Chollet's Keras blog post
("Building Autoencoders in Keras", 2016) that the chapter compares with.

Each autoencoder is compiled with Adam and a cosine-decaying rate and fitted on the training
digits (:func:`train_autoencoder`, the Keras ``compile``/``fit`` of the lecture's slides); the first ``n_val`` test digits are monitored per epoch for the
curves only; ``evaluate`` gives the per-pixel cross-entropy and MSE on all test digits.
"""

from __future__ import annotations

import dataclasses

from ..._backend.validation import invalid
from . import Recipe, Split, register

_SOURCE_LECTURE = ("the lecture's Keras code (\"Autoencoder in Keras\" slides), for whose models "
                   "Chollet (2016) gives a fit, https://blog.keras.io/building-autoencoders-in-keras"
                   ".html; 'full' uses that post's fit for the matching model ({fit}) on every "
                   "training digit the loader finds (60,000 officially). The book keeps its "
                   "own Adam rate with a cosine decay and monitors only {n_val} test digits. "
                   "'ci' is the chapter's shorter run.")
_NO_TARGET = "none: no published held-out figure for this model"


@dataclasses.dataclass(frozen=True)
class PCASettings:
    """PCA with ``m`` axes fitted to the training digits (no epochs, no batches)."""

    m: int = 32
    n_train: int | None = None
    epochs: None = None
    batch_size: None = None


@dataclasses.dataclass(frozen=True)
class LinearAESettings:
    """784 → code_dim → 784 without activations (the lecture's first autoencoder)."""

    code_dim: int = 32
    loss: str = "mse"
    learning_rate: float = 3e-3
    epochs: int = 12
    batch_size: int = 256
    n_val: int = 2000
    seed: int = 0


@dataclasses.dataclass(frozen=True)
class DeepAESettings:
    """784 → hidden → code_dim → reversed(hidden) → 784, ReLU, sigmoid output."""

    hidden: tuple = (128,)
    code_dim: int = 32
    loss: str = "binary_crossentropy"
    learning_rate: float = 2e-3
    epochs: int = 20
    batch_size: int = 64
    n_val: int = 2000
    seed: int = 0


@dataclasses.dataclass(frozen=True)
class ConvAESettings:
    """The lecture's convolutional autoencoder (filters per stage, He-normal kernels)."""

    filters: tuple = (16, 8, 8)
    kernel_initializer: str = "he_normal"
    loss: str = "binary_crossentropy"
    learning_rate: float = 2e-3
    epochs: int = 16
    batch_size: int = 64
    n_val: int = 2000
    seed: int = 0


def _images(s) -> bool:
    return isinstance(s, ConvAESettings) or getattr(s, "images", False)


def load_mnist(s, limit: int | None = None):
    """MNIST as the chapter loads it: vectors of 784 (dense models) or 28×28×1 images (conv).

    Returns:
        A :class:`Split` whose ``x_val`` is the first ``n_val`` test digits (monitored per epoch
        only). ``limit`` caps every array.
    """
    from deep_unsupervised import data

    mnist = data.load_mnist(flatten=not _images(s))
    n_train = getattr(s, "n_train", None)
    x_train = mnist.x_train if n_train is None else mnist.x_train[:n_train]
    x_test = mnist.x_test[:limit]
    return Split(x_train=x_train[:limit], y_train=mnist.y_train[:len(x_train)][:limit],
                 x_test=x_test, y_test=mnist.y_test[:limit],
                 x_val=x_test[:getattr(s, "n_val", 0) or len(x_test)])


def flattened(data):
    """The same data with every image array viewed as vectors of pixels (no copy)."""
    as_vectors = lambda x: x.reshape(len(x), -1)  # noqa: E731
    return dataclasses.replace(data, x_train=as_vectors(data.x_train),
                               x_test=as_vectors(data.x_test), x_val=as_vectors(data.x_val))


def train_pca(s, data, *, callbacks=(), label=None):
    """PCA(m) fitted to the training digits (the linear baseline of the chapter)."""
    from deep_unsupervised.pca import PCA

    return PCA(s.m).fit(data.x_train)


def build_autoencoder(s):
    """The uncompiled autoencoder that settings ``s`` describe."""
    from deep_unsupervised import autoencoders

    if isinstance(s, LinearAESettings):
        return autoencoders.linear_autoencoder(input_dim=784, code_dim=s.code_dim)
    if isinstance(s, DeepAESettings):
        return autoencoders.deep_autoencoder(input_dim=784, hidden=s.hidden, code_dim=s.code_dim)
    return autoencoders.conv_autoencoder(filters=s.filters,
                                         kernel_initializer=s.kernel_initializer)


def train_autoencoder(s, data, *, callbacks=(), label=None):
    """Build the autoencoder of ``s`` and fit it with Adam and a cosine decay.

    Returns:
        The trained model; its ``history`` attribute holds the Keras ``History``.
    """
    from deep_unsupervised import (STEPS_PER_EXECUTION, ProgressBar, backup, make_optimizer,
                                   steps_per_epoch)

    model = build_autoencoder(s)
    steps = s.epochs * steps_per_epoch(len(data.x_train), s.batch_size)  # the cosine's length
    model.compile(optimizer=make_optimizer(s.learning_rate, schedule="cosine", steps=steps),
                  loss=s.loss, steps_per_execution=STEPS_PER_EXECUTION)
    label = label or model.name.replace("_", " ")
    model.fit(data.x_train, data.x_train, epochs=s.epochs, batch_size=s.batch_size,
              validation_data=(data.x_val, data.x_val), verbose=0,
              callbacks=[*backup(label, model, s.epochs), *callbacks, ProgressBar(label)])
    return model


def evaluate_reconstruction(s, model, data) -> dict:
    """Test cross-entropy and MSE per pixel (PCA's and linear outputs clipped for the former)."""
    from deep_unsupervised import autoencoders

    x = data.x_test.reshape(len(data.x_test), -1)
    if hasattr(model, "reconstruct"):  # PCA
        x_rec = model.reconstruct(x)
    else:
        x_rec = model.predict(data.x_test, batch_size=1000, verbose=0).reshape(x.shape)
    return autoencoders.reconstruction_errors(x, x_rec)


def _autoencoder_recipe(name, description, ci, full, fit, source=_SOURCE_LECTURE):
    return register(Recipe(name=name, chapter="autoencoders", description=description,
                           presets={"ci": ci, "full": full}, trainer=train_autoencoder,
                           loader=load_mnist, evaluate=evaluate_reconstruction,
                           source=source.format(fit=fit, n_val=f"{full.n_val:,}"),
                           target=_NO_TARGET, primary="cross_entropy", direction="lower"))


PCA_32 = register(Recipe(
    name="pca-32", chapter="autoencoders",
    primary="cross_entropy", direction="lower",
    description="PCA with 32 axes; test cross-entropy and MSE per pixel",
    presets={"ci": PCASettings(), "full": PCASettings()}, trainer=train_pca, loader=load_mnist,
    evaluate=evaluate_reconstruction,
    source="Pearson (1901); the lecture's PCA slides. Closed form, no training schedule: 'ci' "
           "and 'full' both fit every training digit the loader finds.",
    target="none: exact, no published figure to approach"))

LINEAR_AE = _autoencoder_recipe(
    "linear-ae", "linear autoencoder 784-32-784 (squared error); test cross-entropy, MSE",
    LinearAESettings(), LinearAESettings(epochs=50, batch_size=256),
    "the single-layer autoencoder's 50 epochs at batches of 256; the lecture's version has no "
    "activations and the squared error")

DEEP_AE = _autoencoder_recipe(
    "deep-ae", "deep autoencoder 784-128-32-128-784; test cross-entropy, MSE per pixel",
    DeepAESettings(), DeepAESettings(epochs=100, batch_size=256),
    "the deep autoencoder's 100 epochs at batches of 256; the lecture's network has one hidden "
    "layer of 128 on each side, the post's two (128, 64)")

DEEPER_AE = _autoencoder_recipe(
    "deeper-ae", "deeper autoencoder 784-128-64-32-64-128-784; test cross-entropy, MSE",
    DeepAESettings(hidden=(128, 64)), DeepAESettings(hidden=(128, 64), epochs=100,
                                                     batch_size=256),
    "the deep autoencoder's 100 epochs at batches of 256, with its layer widths",
    source=_SOURCE_LECTURE.replace('(\"Autoencoder in Keras\" slides)',
                                   '(\"Deep(er) autoencoder\" slide)'))

CONV_AE = _autoencoder_recipe(
    "conv-ae", "convolutional autoencoder 16-8-8 (3,801 parameters); test cross-entropy, MSE",
    ConvAESettings(), ConvAESettings(epochs=50, batch_size=128),
    "the convolutional autoencoder's 50 epochs at batches of 128, the same 16-8-8 filters; the "
    "lecture adds He-normal kernels")


# -- label budgets: linear probes on frozen representations ---------------------------------------
@dataclasses.dataclass(frozen=True)
class LabelBudgetSettings:
    """Logistic regression on ``per_class`` labelled digits per class, one draw per seed.

    ``representations`` are recipe names (their trained model's code is the feature) or
    ``"pixels"``. ``epochs`` overrides every representation's own epochs (``None``: their own).
    """

    per_class: tuple = (1, 10, 100)
    seeds: tuple = (0, 1, 2)
    representations: tuple = ("pixels", "pca-32", "deep-ae", "conv-ae")
    max_iter: int = 500
    epochs: int | None = None
    batch_size: None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class LabelBudgetData(Split):
    """The digits as images with their labels, and the ``limit`` they were loaded with."""

    limit: int | None = None


def load_label_budget(s, limit: int | None = None):
    """The digits as images with their labels; ``limit`` also caps every representation's data."""
    digits = load_mnist(ConvAESettings(), limit=limit)
    return LabelBudgetData(**vars(digits), limit=limit)


def features_of(name: str, model, x):
    """The frozen representation ``name`` (a recipe name or "pixels") of images ``x``."""
    import keras
    import numpy as np

    flat = x.reshape(len(x), -1)
    if name == "pixels":
        return flat
    if name == "pca-32":
        return model.encode(flat)
    if name in ("linear-ae", "deep-ae", "deeper-ae"):
        return model.encoder.predict(flat, batch_size=1000, verbose=0)
    if name == "conv-ae":
        return model.encoder.predict(x, batch_size=256, verbose=0).reshape(len(x), -1)
    if name in ("denoising-ae", "plain-conv-ae"):
        from deep_unsupervised.denoising import encoder_of

        return encoder_of(model).predict(x, batch_size=256, verbose=0).reshape(len(x), -1)
    if name.startswith("vae-"):  # the posterior mean of binarised digits
        z_mean = model.encoder.predict((x > 0.5).astype("float32"), batch_size=1000, verbose=0)
        return np.asarray(z_mean[0] if isinstance(z_mean, (list, tuple)) else z_mean)
    if name in ("dcgan", "wgan-gp"):  # the discriminator's flattened convolutional features
        d = model.discriminator
        probe = keras.Model(d.inputs, d.get_layer("features").output)
        return probe.predict(x, batch_size=256, verbose=0)
    raise invalid("name", "'pixels' or a recipe with a known representation", name)


def train_label_budget(s, data, *, callbacks=(), label=None):
    """Train every representation's recipe (at its own settings) and compute the features."""
    from deep_unsupervised.book import recipes

    out = {"train": {}, "test": {}}
    for name in s.representations:
        model = None
        if name != "pixels":
            recipe = recipes.get(name)
            settings = recipe.settings()
            if s.epochs is not None and getattr(settings, "epochs", None):
                settings = dataclasses.replace(settings, epochs=s.epochs)
            model = recipe.train(settings, recipe.load(settings, limit=data.limit))
        out["train"][name] = features_of(name, model, data.x_train)
        out["test"][name] = features_of(name, model, data.x_test)
    return out


def evaluate_label_budget(s, features, data) -> dict:
    """Mean and spread of the test accuracy per representation and budget (``rep@n``)."""
    import numpy as np

    from deep_unsupervised import probing

    fewest = int(np.bincount(data.y_train).min())
    budgets = tuple(sorted({min(n, fewest) for n in s.per_class}))  # under --limit
    quality = {}
    for name in s.representations:
        accuracy = probing.label_budget_accuracy(
            features["train"][name], data.y_train, features["test"][name], data.y_test,
            per_class=budgets, seeds=s.seeds, max_iter=s.max_iter)
        for n, (mean, sd) in probing.summarise(accuracy).items():
            quality[f"{name}@{n}"], quality[f"{name}@{n}_sd"] = mean, sd
    return quality


AE_LABEL_BUDGET = register(Recipe(
    name="ae-label-budget", chapter="autoencoders",
    description="linear probes on pixels, PCA and autoencoder codes at 1, 10, 100 labels/class",
    presets={"ci": LabelBudgetSettings(), "full": LabelBudgetSettings()},
    trainer=train_label_budget, loader=load_label_budget, evaluate=evaluate_label_budget,
    source="the lecture's \"The code is discriminative\" slide (Turchenko et al., 2017); the "
           "chapter reuses its trained models. No published scale: 'full' equals 'ci', and each "
           "representation trains at its own recipe's preset of the run's scale.",
    target="none: no published figure for these budgets"))

_ALL = ("pixels", "pca-32", "deep-ae", "conv-ae", "denoising-ae", "vae-16", "dcgan")
LABEL_BUDGET = register(Recipe(
    name="label-budget", chapter="autoencoders",
    primary="deep-ae@10", direction="higher",
    description="label-budget sweep: linear probes on seven representations; test accuracy",
    presets={"ci": LabelBudgetSettings(per_class=(1, 3, 10, 30, 100), representations=_ALL),
             "full": LabelBudgetSettings(per_class=(1, 3, 10, 30, 100, 300, 1000),
                                         seeds=(0, 1, 2, 3, 4), representations=_ALL)},
    trainer=train_label_budget, loader=load_label_budget, evaluate=evaluate_label_budget,
    source="semi-supervised evaluation by linear probes (e.g. Kingma et al., 2014, M1 model); "
           "every representation is trained by its own chapter's recipe at the run's scale. "
           "'full' adds the budgets 300 and 1,000 per class and five draws per budget.",
    target="none: the book's own sweep"))
