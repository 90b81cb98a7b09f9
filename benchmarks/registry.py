"""The benchmarks: every recipe of the book that has a primary metric, then the sweeps.

``REGISTRY`` (name -> :class:`Entry`) is built by iterating the recipe registry
(``deep_unsupervised.book.recipes``) in the book's order: a recipe is benchmarked when it names the
test metric to plot and the direction in which that metric is better (``Recipe.primary`` and
``Recipe.direction``). The sweeps over seeds, β and training length (``sweeps.py``) follow, each
after its recipe.

This module imports neither TensorFlow nor Keras, so that ``run.py --list`` is quick; a benchmark
imports what it uses when it runs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
import types
from typing import Callable

from deep_unsupervised.book.recipes import DIRECTIONS

# Published recipes that chapters quote as quality targets (deep_unsupervised.book.recipes.references).
REFERENCES = ("chollet-simple-ae", "chollet-deep-ae", "chollet-conv-ae", "keras-io-vae")


def count_weights(trained) -> int | None:
    """The trainable size of what a recipe returns, or ``None`` when it has no weights to count.

    A Keras model counts its parameters; a dict of models (or of anything countable) sums them;
    PCA (``W``, ``mean``) and k-means on PCA codes (``pca``, ``centres``) count their arrays.
    Recipes that return results rather than a model (the toy GANs' mode counts, the label-budget
    sweep) have ``None``: the appendix shows "–" for them, never 0.
    """
    if hasattr(trained, "count_params"):
        return int(trained.count_params())
    if isinstance(trained, dict):
        sizes = [count_weights(v) for v in trained.values()]
        return sum(sizes) if sizes and None not in sizes else None
    if hasattr(trained, "centres") and hasattr(trained, "pca"):
        return count_weights(trained.pca) + int(trained.centres.size)
    if hasattr(trained, "W") and hasattr(trained, "mean"):
        return int(trained.W.size + trained.mean.size)
    return None


def trained_epochs(settings) -> int | None:
    """Epochs a recipe trains, when more than ``settings.epochs``: a DBN adds its pre-training."""
    if getattr(settings, "pretrain_epochs", None) and hasattr(settings, "hidden_sizes"):
        return settings.pretrain_epochs * len(settings.hidden_sizes) + settings.epochs
    return None


@dataclasses.dataclass(frozen=True)
class Entry:
    """One benchmark: how to train and evaluate it, and the recipe its settings come from."""

    name: str
    chapter: str          # the notebook that trains it (or, for a reference, quotes it)
    description: str
    recipe: str           # the recipe whose settings it runs (deep_unsupervised.book.recipes)
    primary: str          # the quality metric to plot
    direction: str        # "lower" or "higher": which way the primary metric is better
    kind: str             # "book" (a model of the book) or "reference" (a published recipe)
    run: Callable
    extra: tuple = ()     # a sweep's own settings, e.g. (("seeds", (0, 1, 2)),)

    def settings_at(self, scale: str | None = None) -> dict:
        """What the benchmark runs at ``scale``: its recipe's settings, plus a sweep's own."""
        from deep_unsupervised.book import recipes

        return {**dataclasses.asdict(recipes.get(self.recipe).settings(scale)), **dict(self.extra)}


@dataclasses.dataclass
class Outcome:
    """What a benchmark's run returns: the model's size, its test quality, the data sizes used."""

    params: int | None
    quality: dict
    n_train: int | None = None
    n_test: int | None = None
    epochs: int | None = None   # only when the epoch count is not settings["epochs"] (DBN)


REGISTRY: dict[str, Entry] = {}


def register(entry: Entry) -> Entry:
    """Add ``entry`` to :data:`REGISTRY` (each name once)."""
    if entry.name in REGISTRY:
        raise ValueError(f"benchmark {entry.name!r} is registered twice")
    if entry.direction not in DIRECTIONS:
        raise ValueError(f"Invalid value for argument 'direction': expected one of {DIRECTIONS}, "
                         f"received direction={entry.direction!r}")
    REGISTRY[entry.name] = entry
    return entry


def _sizes(data) -> list:
    arrays = [getattr(data, f"x_{part}", None) for part in ("train", "test")]
    return [None if x is None else len(x) for x in arrays]


def recipe_benchmark(recipe) -> Entry:
    """The benchmark of ``recipe``: load its data, train it (timed), test it on held-out data."""

    def run(s, ctx):
        chosen = recipe.settings(ctx.scale)
        chosen = dataclasses.replace(chosen, **{k: getattr(s, k) for k in vars(s)
                                                if k in ("epochs", "pretrain_epochs")})
        data = recipe.load(chosen, limit=ctx.limit)
        with ctx.training():
            trained = recipe.train(chosen, data, label=recipe.name)
        quality = recipe.evaluate(chosen, trained, data)
        n_train, n_test = _sizes(data)
        return Outcome(params=count_weights(trained), quality=quality, n_train=n_train,
                       n_test=n_test, epochs=trained_epochs(chosen))

    kind = "reference" if recipe.name in REFERENCES else "book"
    return Entry(recipe.name, f"chapters/{recipe.chapter}.ipynb", recipe.description,
                 recipe.name, recipe.primary, recipe.direction, kind, run)


def build() -> dict[str, Entry]:
    """Fill :data:`REGISTRY`: the benchmarked recipes in the book's order, each followed by the
    sweeps over it (``sweeps.SWEEPS``)."""
    if REGISTRY:
        return REGISTRY
    from deep_unsupervised.book import recipes

    from benchmarks import sweeps

    chapters = _book_chapters()
    recipes.names()  # loads every recipe module
    order = {name: i for i, name in enumerate(recipes.REGISTRY)}  # as each module defines them
    chosen = [r for r in recipes.REGISTRY.values() if r.primary is not None]
    chosen.sort(key=lambda r: (r.name in REFERENCES, chapters.get(r.chapter, len(chapters)),
                               order[r.name]))
    for recipe in chosen:
        register(recipe_benchmark(recipe))
        for sweep in sweeps.SWEEPS:
            if sweep.after == recipe.name:
                register(sweep.entry())
    missing = [s.entry().name for s in sweeps.SWEEPS if s.entry().name not in REGISTRY]
    if missing:
        raise ValueError(f"sweeps {missing} follow recipes that are not benchmarked")
    return REGISTRY


def _book_chapters() -> dict[str, int]:
    """Chapter stem -> its position in _toc.yml."""
    from pathlib import Path

    import yaml

    stems: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                stems.append(Path(node["file"]).stem)
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key) or []:
                    walk(child)

    walk(yaml.safe_load((Path(__file__).resolve().parent.parent / "_toc.yml").read_text()))
    return {stem: i for i, stem in enumerate(stems)}


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
    """The run's options (``--limit``, ``--scale``) and its training clock."""

    def __init__(self, limit: int | None = None, scale: str | None = None):
        self.limit = limit
        self.scale = scale  # the recipes' preset: "ci" (the chapters') or "full"
        self.train_seconds = 0.0

    @contextlib.contextmanager
    def training(self):
        """Time the block as training (wall clock); several blocks add up."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.train_seconds += time.perf_counter() - start


def as_settings(settings: dict) -> types.SimpleNamespace:
    """Settings as attributes (``s.epochs``), as a recipe reads them."""
    return types.SimpleNamespace(**settings)
