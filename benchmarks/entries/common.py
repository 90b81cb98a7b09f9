"""What every benchmark entry shares: the registry, the run context (data, --limit, timing) and helpers.

An entry is a function ``run(s, ctx) -> Outcome`` registered with :func:`entry`. ``s`` holds the
entry's settings (copied from the chapter that trains the model, ``--epochs`` applied) as
attributes; ``ctx`` loads the data, caps sizes under ``--limit`` and times the training.

This module imports neither TensorFlow nor the book's package, so that ``run.py --list`` is quick;
entries import the ``deep_unsupervised`` modules they use inside their functions.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
import types
from typing import Callable

import numpy as np

DIRECTIONS = ("lower", "higher")


@dataclasses.dataclass(frozen=True)
class Entry:
    """One benchmarked model: how to train and evaluate it, and where its settings come from."""

    name: str
    chapter: str          # the notebook whose settings the entry copies (or that quotes a reference)
    description: str
    settings: dict
    primary: str          # the quality metric to plot
    direction: str        # "lower" or "higher": which way the primary metric is better
    kind: str             # "book" (a model of the book) or "reference" (a published recipe)
    run: Callable
    recipe: str | None = None  # the lib recipe the entry runs (deep_unsupervised.recipes)

    def settings_at(self, scale: str | None = None) -> dict:
        """The entry's settings at ``scale``: its recipe's preset, or its own ``settings``."""
        if self.recipe is None:
            return dict(self.settings)
        from deep_unsupervised import recipes

        return dataclasses.asdict(recipes.get(self.recipe).settings(scale))


@dataclasses.dataclass
class Outcome:
    """What an entry's run returns: the model's size, its test quality and the data sizes used."""

    params: int
    quality: dict
    n_train: int | None = None
    n_test: int | None = None
    epochs: int | None = None   # only when the epoch count is not settings["epochs"] (DBN)


REGISTRY: dict[str, Entry] = {}


def entry(name: str, *, chapter: str, description: str, settings: dict, primary: str,
          direction: str, kind: str = "book"):
    """Register the decorated function ``run(s, ctx) -> Outcome`` as the benchmark ``name``."""
    if name in REGISTRY:
        raise ValueError(f"benchmark {name!r} is registered twice")
    if direction not in DIRECTIONS:
        raise ValueError(f"Invalid value for argument 'direction': expected one of {DIRECTIONS}, "
                         f"received direction={direction!r}")
    if "epochs" not in settings or "batch_size" not in settings:
        raise ValueError(f"settings of {name!r} must name 'epochs' and 'batch_size' (None if unused)")

    def register(run):
        REGISTRY[name] = Entry(name, f"chapters/{chapter}.ipynb", description, dict(settings),
                               primary, direction, kind, run)
        return run
    return register


def recipe_entry(recipe_name: str, *, primary: str, direction: str, kind: str = "book",
                 name: str | None = None, description: str | None = None,
                 epochs: Callable | None = None, params: Callable | None = None) -> Entry:
    """Register the benchmark that runs the lib recipe ``recipe_name``: load, train, evaluate.

    The settings are the recipe's own (``deep_unsupervised.recipes``), at the scale of the run, so a
    chapter and its benchmark cannot disagree. Training is timed; ``n_train``/``n_test`` are read
    from the loaded data's ``x_train``/``x_test`` where it has them. ``epochs(settings)`` gives the
    epoch count to report when it is not ``settings.epochs`` (a DBN's pre-training adds epochs);
    ``params(trained)`` counts the parameters of what is not a Keras model (PCA and k-means).
    """
    from deep_unsupervised import recipes

    recipe = recipes.get(recipe_name)
    name = name or recipe_name
    settings = dataclasses.asdict(recipe.settings("ci"))

    def run(s, ctx):
        chosen = recipe.settings(ctx.scale)
        chosen = dataclasses.replace(chosen, **{k: getattr(s, k) for k in vars(s)
                                                if k in ("epochs", "pretrain_epochs")})
        data = recipe.load(chosen, limit=ctx.limit) if recipe.load else None
        with ctx.training():
            trained = recipe.train(chosen, data, label=name)
        quality = recipe.evaluate(chosen, trained, data)
        params_ = (params(trained) if params is not None else
                   trained.count_params() if hasattr(trained, "count_params") else 0)
        sizes = [len(getattr(data, f"x_{part}")) if hasattr(data, f"x_{part}") else None
                 for part in ("train", "test")]
        return Outcome(params=int(params_), quality=quality, n_train=sizes[0], n_test=sizes[1],
                       epochs=None if epochs is None else int(epochs(chosen)))

    entry(name, chapter=recipe.chapter, description=description or recipe.description,
          settings=settings, primary=primary, direction=direction, kind=kind)(run)
    REGISTRY[name] = dataclasses.replace(REGISTRY[name], recipe=recipe_name)
    return REGISTRY[name]


def with_epochs(settings: dict, epochs: int | None) -> dict:
    """The settings with every non-zero epoch count (training and pre-training) set to ``epochs``.

    A sweep over representations (``label-budget``) has ``epochs=None`` for "each its own";
    ``epochs`` then overrides them all. Models that train nothing (PCA) keep ``None``.
    """
    out = dict(settings)
    if epochs is not None:
        for key in ("epochs", "pretrain_epochs"):
            if out.get(key) or (key == "epochs" and "representations" in out):
                out[key] = epochs
    return out


class Context:
    """Data and timing for one benchmark run.

    Args:
        limit: when given, every data-set size an entry uses is capped at ``limit`` examples (a
            quick run); ``None`` keeps the chapters' sizes.
    """

    def __init__(self, limit: int | None = None, scale: str | None = None):
        self.limit = limit
        self.scale = scale  # the recipes' preset: "ci" (the chapters') or "full"
        self.train_seconds = 0.0
        self.cache = {}  # things entries share within one run, e.g. the Fréchet feature classifier
        self._mnist = {}

    def lim(self, n: int) -> int:
        """``n``, or at most ``limit`` under ``--limit``."""
        return n if self.limit is None else min(n, self.limit)

    def head(self, array, n: int | None = None):
        """The first ``n`` rows (default: all), capped under ``--limit``."""
        return array[:self.lim(len(array) if n is None else n)]

    def mnist(self, flatten: bool = False, binarize: bool = False):
        """The book's MNIST, loaded as the chapters load it (``du.load_mnist``), once per variant."""
        key = (flatten, binarize)
        if key not in self._mnist:
            import deep_unsupervised as du

            self._mnist[key] = du.load_mnist(flatten=flatten, binarize=binarize)
        return self._mnist[key]

    def stratified(self, y, per_class: int, seed: int = 0):
        """``du.data.stratified_subset``; under ``--limit`` with fewer per class, as the data allow."""
        from deep_unsupervised import data

        if self.limit is not None:
            y = np.asarray(y)
            fewest = int(np.bincount(y)[np.unique(y)].min())
            per_class = max(1, min(per_class, self.limit // 10, fewest))
        return data.stratified_subset(y, per_class=per_class, seed=seed)

    @contextlib.contextmanager
    def training(self):
        """Time the block as training (wall clock); several blocks add up."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.train_seconds += time.perf_counter() - start

    @staticmethod
    def progress(label: str):
        """The book's one-line progress bar (printed when a fit ends; ``run.py`` sends it to stderr)."""
        from deep_unsupervised import ProgressBar

        return ProgressBar(label)


def as_settings(settings: dict) -> types.SimpleNamespace:
    """Settings as attributes (``s.epochs``), so that an entry reads like the chapter's call."""
    return types.SimpleNamespace(**settings)


def reconstruction_quality(x, x_rec) -> dict:
    """Per-pixel binary cross-entropy and MSE (the book's ``autoencoders.reconstruction_errors``)."""
    from deep_unsupervised import autoencoders

    x, x_rec = np.asarray(x), np.asarray(x_rec)
    return autoencoders.reconstruction_errors(x.reshape(len(x), -1), x_rec.reshape(len(x_rec), -1))


def nearest_centre(x, centres) -> np.ndarray:
    """Index of the nearest row of ``centres`` for every row of ``x`` (k-means assignment)."""
    d2 = np.sum(x ** 2, axis=1)[:, None] - 2 * x @ centres.T + np.sum(centres ** 2, axis=1)[None, :]
    return np.argmin(d2, axis=1)


def vae_terms(model, x, batch_size: int = 1000) -> dict:
    """Test -ELBO, reconstruction and KL in nats per image, by ``model.evaluate`` as in the chapters.

    The VAE's ``loss`` is reconstruction + beta * KL; the -ELBO is reconstruction + KL for any beta.
    """
    terms = model.evaluate(x, batch_size=batch_size, verbose=0, return_dict=True)
    quality = {"neg_elbo": terms["reconstruction"] + terms["kl"],
               "reconstruction": terms["reconstruction"], "kl": terms["kl"]}
    if model.beta != 1.0:
        quality["beta_loss"] = terms["loss"]
    return {k: float(v) for k, v in quality.items()}


def train_conv_vae(x, s, ctx, label: str):
    """A VAE with the library's convolutional encoder and decoder, fitted with Adam on ``x``.

    Used by the DCGAN chapter's VAE baseline and the keras.io recipe (``V.conv_encoder`` and
    ``V.conv_decoder`` default to that example's layers). ``s`` needs ``seed``, ``latent_dim``,
    ``learning_rate``, ``epochs`` and ``batch_size``.
    """
    import keras
    from deep_unsupervised import vae as V

    keras.utils.set_random_seed(s.seed)
    model = V.VAE(V.conv_encoder(latent_dim=s.latent_dim), V.conv_decoder(latent_dim=s.latent_dim),
                  seed=s.seed)
    model.compile(optimizer=keras.optimizers.Adam(s.learning_rate))
    with ctx.training():
        model.fit(x, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
                  callbacks=[ctx.progress(label)])
    return model
